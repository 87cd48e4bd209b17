package session

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// ErrConnClosed is the cause recorded when a Conn is closed without a
// more specific reason.
var ErrConnClosed = errors.New("connection closed by sshdash")

// IsPermanent reports whether err is a failure that retrying cannot fix:
// authentication refused, a changed, revoked or refused host key, a broken
// configuration. Network errors and timeouts are transient. A session
// whose connection fails permanently goes to Failed instead of retrying.
func IsPermanent(err error) bool {
	var p interface{ Permanent() bool }
	return err != nil && errors.As(err, &p) && p.Permanent()
}

// DialError says which connection failed and by which route, wrapping the
// cause: "connect web1 via bastion: dial 10.0.0.5:22: connection refused".
type DialError struct {
	Host string   // the target's name (alias or host name)
	Via  []string // jump hosts in order, or the proxy command as "proxy command"
	Err  error
}

// Error implements error.
func (e *DialError) Error() string {
	s := "connect " + e.Host
	if len(e.Via) > 0 {
		s += " via " + strings.Join(e.Via, ", ")
	}
	return s + ": " + e.Err.Error()
}

// Unwrap returns the cause.
func (e *DialError) Unwrap() error { return e.Err }

// AuthError is returned when the server refused every authentication
// method sshdash could offer. It is permanent.
type AuthError struct {
	User    string   // remote user
	Host    string   // host:port or alias
	Tried   []string // methods tried, in order, e.g. "publickey"
	Allowed []string // methods the server said it accepts
	Notes   []string // why methods or keys could not be used, e.g. "key ~/.ssh/id_ed25519: wrong passphrase 3 times"
}

// Error implements error.
func (e *AuthError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "permission denied for %s@%s", e.User, e.Host)
	if len(e.Tried) > 0 {
		fmt.Fprintf(&b, " (tried %s", strings.Join(dedupe(e.Tried), ", "))
	} else {
		b.WriteString(" (no method could be tried")
	}
	if len(e.Allowed) > 0 {
		fmt.Fprintf(&b, "; server accepts %s", strings.Join(e.Allowed, ", "))
	}
	b.WriteString(")")
	if len(e.Notes) > 0 {
		b.WriteString(": ")
		b.WriteString(strings.Join(e.Notes, "; "))
	}
	return b.String()
}

// Permanent reports true: retrying with the same credentials cannot help.
func (e *AuthError) Permanent() bool { return true }

// HostKeyChangedError is returned when known_hosts holds keys for the host
// but none is the key the server presented — of the same type or, as in
// OpenSSH 9, of another type. File and Line name the entry ssh calls the
// offending key (the last one for the host).
type HostKeyChangedError struct {
	Host             string // the name looked up: host, [host]:port or HostKeyAlias
	File             string // known_hosts file holding the known key
	Line             int    // its line number
	KeyType          string // type of the key the server presented
	Fingerprint      string // SHA256 fingerprint of the presented key
	KnownKeyType     string // type of the key on File:Line ("" read as KeyType)
	KnownFingerprint string // SHA256 fingerprint of the key on File:Line
}

// Error implements error.
func (e *HostKeyChangedError) Error() string {
	known := e.KnownKeyType
	if known == "" {
		known = e.KeyType
	}
	return fmt.Sprintf("REMOTE HOST IDENTIFICATION HAS CHANGED for %s: the server offered %s %s but %s:%d holds %s %s; "+
		"this could be an attack (or the host was reinstalled); refusing to connect — remove line %d of %s if the change is expected",
		e.Host, e.KeyType, e.Fingerprint, e.File, e.Line, known, e.KnownFingerprint, e.Line, e.File)
}

// Permanent reports true.
func (e *HostKeyChangedError) Permanent() bool { return true }

// HostKeyUnknownError is returned when the host's key is not known and was
// not accepted: StrictHostKeyChecking yes, the user answered no, or there
// was no way to ask.
type HostKeyUnknownError struct {
	Host        string // the name looked up
	KeyType     string
	Fingerprint string
	Reason      string // e.g. "StrictHostKeyChecking is yes"
}

// Error implements error.
func (e *HostKeyUnknownError) Error() string {
	return fmt.Sprintf("host key for %s is not known (%s %s) and was not accepted: %s", e.Host, e.KeyType, e.Fingerprint, e.Reason)
}

// Permanent reports true.
func (e *HostKeyUnknownError) Permanent() bool { return true }

// HostKeyRevokedError is returned when the server's key (or the CA that
// signed its certificate) is marked @revoked in known_hosts, or listed in
// the RevokedHostKeys file.
type HostKeyRevokedError struct {
	Host        string
	File        string
	Line        int // 0 for a RevokedHostKeys file
	KeyType     string
	Fingerprint string
	Reason      string // what in a RevokedHostKeys file revokes it
}

// Error implements error.
func (e *HostKeyRevokedError) Error() string {
	if e.Line == 0 {
		return fmt.Sprintf("host key for %s (%s %s) is REVOKED by %s (%s); refusing to connect", e.Host, e.KeyType, e.Fingerprint, e.File, e.Reason)
	}
	return fmt.Sprintf("host key for %s (%s %s) is REVOKED by %s:%d; refusing to connect", e.Host, e.KeyType, e.Fingerprint, e.File, e.Line)
}

// Permanent reports true.
func (e *HostKeyRevokedError) Permanent() bool { return true }

// ConfigError is a setting that cannot be used as written. It is permanent.
type ConfigError struct {
	Setting string // ssh_config keyword, e.g. "ProxyJump"
	Value   string
	Err     error
}

// Error implements error.
func (e *ConfigError) Error() string {
	return fmt.Sprintf("%s %q: %v", e.Setting, e.Value, e.Err)
}

// Unwrap returns the cause.
func (e *ConfigError) Unwrap() error { return e.Err }

// Permanent reports true.
func (e *ConfigError) Permanent() bool { return true }

// TimeoutError says a step did not finish in time. It is transient.
type TimeoutError struct {
	Op    string // what timed out, e.g. "SSH handshake with 10.0.0.5:22"
	After time.Duration
	Hint  string // optional, e.g. "the server accepted the connection but never sent an SSH greeting"
}

// Error implements error.
func (e *TimeoutError) Error() string {
	s := fmt.Sprintf("%s: timed out after %s", e.Op, e.After)
	if e.Hint != "" {
		s += " (" + e.Hint + ")"
	}
	return s
}

// Timeout reports true, as net.Error does.
func (e *TimeoutError) Timeout() bool { return true }

// ProxyCommandError says the ProxyCommand failed; Stderr holds the end of
// what it printed. A command that could not be run (exit status 126 or
// 127) is permanent; anything else is transient.
type ProxyCommandError struct {
	Command string
	Status  int    // exit status; -1 if it was killed or never started
	Stderr  string // last lines of its standard error
	Err     error  // what went wrong on sshdash's side, if anything
}

// Error implements error.
func (e *ProxyCommandError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "proxy command %q", e.Command)
	switch {
	case e.Err != nil:
		fmt.Fprintf(&b, ": %v", e.Err)
	case e.Status >= 0:
		fmt.Fprintf(&b, " exited with status %d", e.Status)
	default:
		b.WriteString(" was killed")
	}
	if s := strings.TrimSpace(e.Stderr); s != "" {
		fmt.Fprintf(&b, ": %s", strings.ReplaceAll(s, "\n", " / "))
	}
	return b.String()
}

// Unwrap returns Err.
func (e *ProxyCommandError) Unwrap() error { return e.Err }

// Permanent reports whether the command could not be run at all.
func (e *ProxyCommandError) Permanent() bool { return e.Status == 126 || e.Status == 127 }

// dedupe returns ss without repeated neighbours.
func dedupe(ss []string) []string {
	var out []string
	for _, s := range ss {
		if len(out) == 0 || out[len(out)-1] != s {
			out = append(out, s)
		}
	}
	return out
}

// RefusedError is the cause of a session that gave up because the server
// refused it the same way Count times in a row after authentication: the
// session channel, the PTY or the shell refused, or the shell gone at once.
// Err is the last refusal, with the server's message. It is permanent.
type RefusedError struct {
	Count int
	Err   error
}

// Error implements error.
func (e *RefusedError) Error() string {
	return fmt.Sprintf("gave up after the server refused %d times in a row after login: %v", e.Count, e.Err)
}

// Unwrap returns the last refusal.
func (e *RefusedError) Unwrap() error { return e.Err }

// Permanent reports true: the session waits for the user to ask again.
func (e *RefusedError) Permanent() bool { return true }
