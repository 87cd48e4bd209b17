package session

import (
	"fmt"
	"net"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Target is everything Dial and StartShell need to know about one host,
// already resolved from ssh_config (as `ssh -G` prints it). Dial never reads
// ssh_config itself; TargetFromResolved builds a Target from the config
// package's result and DefaultTarget gives ssh's built-in defaults.
//
// Paths may still contain a leading ~ and ssh's % tokens (%d %u %h %p %r %n
// %%); Dial expands them as ssh does.
//
// Boolean fields mean what they say: the zero Target has every
// authentication method turned off. Start from DefaultTarget when building
// one by hand.
type Target struct {
	Alias    string // the name the user asked for (config alias); used in messages and prompts
	User     string // remote user
	HostName string // host name or address to connect to
	Port     int    // 0 means 22

	IdentityFiles    []string // private key files, in order; missing files are skipped
	CertificateFiles []string // user certificates to offer with matching keys
	IdentitiesOnly   bool     // offer only agent keys that match an IdentityFile
	IdentityAgent    string   // agent socket path; "" or "SSH_AUTH_SOCK": $SSH_AUTH_SOCK; "none": no agent

	ProxyJump          string        // comma-separated [user@]host[:port] hops, or "none"
	ProxyCommand       string        // run through /bin/sh; stdin/stdout are the transport; "none" for none
	ConnectTimeout     time.Duration // per TCP connect, and over the handshake and authentication; 0: DefaultConnectTimeout
	ConnectionAttempts int           // TCP connect attempts, 1 s apart; < 1 means 1

	StrictHostKeyChecking string   // "yes", "accept-new", "ask" ("" means ask), "no"/"off"
	UserKnownHostsFiles   []string // the first one receives new keys
	GlobalKnownHostsFiles []string
	HostKeyAlias          string   // name to look host keys up and store them under, instead of [host]:port
	HashKnownHosts        bool     // hash host names of new entries
	HostKeyAlgorithms     []string // as configured (may start with +, - or ^); empty: ordered by what is known
	RevokedHostKeys       string   // KRL or key list of refused host keys; "" or "none": none (~ and % tokens expanded by Dial)

	BatchMode                    bool     // never prompt
	TCPKeepAlive                 bool     // kernel keepalive on the socket (when Dial makes the net.Dialer)
	PreferredAuthentications     []string // method order; empty: ssh's default order
	PubkeyAuthentication         bool
	KbdInteractiveAuthentication bool
	PasswordAuthentication       bool
	NumberOfPasswordPrompts      int // password/keyboard-interactive attempts; < 1 means 3

	RequestTTY    string   // "auto" ("" too), "yes", "no", "force"
	RemoteCommand string   // run instead of a login shell
	ForwardAgent  string   // "yes", "no" (""), a socket path, or $VAR
	SetEnv        []string // NAME=VALUE sent with every session
	SendEnv       []string // patterns of local variable names to send

	LocalForwards   []string // as written in ssh_config, for the tunnel code
	RemoteForwards  []string
	DynamicForwards []string
}

// DefaultConnectTimeout bounds each TCP connect and the handshake with
// authentication when Target.ConnectTimeout is 0. ssh waits for the
// kernel's own timeout (minutes); sshdash would rather retry.
const DefaultConnectTimeout = 30 * time.Second

// defaultPreferredAuthentications is ssh's default method order (methods
// sshdash does not implement are skipped).
func defaultPreferredAuthentications() []string {
	return []string{"gssapi-with-mic", "hostbased", "publickey", "keyboard-interactive", "password"}
}

// defaultIdentityNames are ssh's default IdentityFile names under ~/.ssh.
func defaultIdentityNames() []string {
	return []string{"id_rsa", "id_ecdsa", "id_ecdsa_sk", "id_ed25519", "id_ed25519_sk", "id_xmss", "id_dsa"}
}

// DefaultTarget returns a Target for host with OpenSSH's built-in defaults,
// as `ssh -G host` prints them with an empty config: the current user,
// port 22, the default identity and known_hosts files, StrictHostKeyChecking
// ask and every authentication method on.
func DefaultTarget(host string) Target {
	t := Target{
		Alias:                        host,
		User:                         localUserName(),
		HostName:                     host,
		Port:                         22,
		ConnectionAttempts:           1,
		StrictHostKeyChecking:        "ask",
		UserKnownHostsFiles:          []string{"~/.ssh/known_hosts", "~/.ssh/known_hosts2"},
		GlobalKnownHostsFiles:        []string{"/etc/ssh/ssh_known_hosts", "/etc/ssh/ssh_known_hosts2"},
		TCPKeepAlive:                 true,
		PubkeyAuthentication:         true,
		KbdInteractiveAuthentication: true,
		PasswordAuthentication:       true,
		NumberOfPasswordPrompts:      3,
		RequestTTY:                   "auto",
		ForwardAgent:                 "no",
	}
	for _, n := range defaultIdentityNames() {
		t.IdentityFiles = append(t.IdentityFiles, "~/.ssh/"+n)
	}
	return t
}

// port returns the target's port, 22 when unset.
func (t Target) port() int {
	if t.Port <= 0 {
		return 22
	}
	return t.Port
}

// hostName returns HostName, or Alias when HostName is empty.
func (t Target) hostName() string {
	if t.HostName != "" {
		return t.HostName
	}
	return t.Alias
}

// name is how the target is called in messages: its alias, else its host name.
func (t Target) name() string {
	if t.Alias != "" {
		return t.Alias
	}
	return t.HostName
}

// addr is host:port for dialling.
func (t Target) addr() string {
	return net.JoinHostPort(t.hostName(), strconv.Itoa(t.port()))
}

// connectTimeout is ConnectTimeout or DefaultConnectTimeout.
func (t Target) connectTimeout() time.Duration {
	if t.ConnectTimeout > 0 {
		return t.ConnectTimeout
	}
	return DefaultConnectTimeout
}

// String renders the target as user@host:port.
func (t Target) String() string {
	s := t.hostName()
	if t.User != "" {
		s = t.User + "@" + s
	}
	if t.port() != 22 {
		s += ":" + strconv.Itoa(t.port())
	}
	return s
}

// isNone reports whether a ProxyJump/ProxyCommand/IdentityAgent value is
// unset or the keyword none.
func isNone(s string) bool {
	s = strings.TrimSpace(s)
	return s == "" || strings.EqualFold(s, "none")
}

// jumpHop is one parsed ProxyJump hop.
type jumpHop struct {
	User string
	Host string
	Port int // 0: from the hop's own configuration
}

// String renders the hop as written.
func (h jumpHop) String() string {
	s := h.Host
	if strings.Contains(s, ":") {
		s = "[" + s + "]"
	}
	if h.User != "" {
		s = h.User + "@" + s
	}
	if h.Port != 0 {
		s += ":" + strconv.Itoa(h.Port)
	}
	return s
}

// parseJumpHops splits a ProxyJump value into hops, as ssh -J does:
// comma-separated [user@]host[:port] or ssh://[user@]host[:port].
func parseJumpHops(spec string) ([]jumpHop, error) {
	if isNone(spec) {
		return nil, nil
	}
	var hops []jumpHop
	for _, part := range strings.Split(spec, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			return nil, fmt.Errorf("ProxyJump %q: empty hop", spec)
		}
		h, err := parseJumpHop(part)
		if err != nil {
			return nil, fmt.Errorf("ProxyJump %q: %w", spec, err)
		}
		hops = append(hops, h)
	}
	return hops, nil
}

func parseJumpHop(s string) (jumpHop, error) {
	var h jumpHop
	rest := strings.TrimPrefix(s, "ssh://")
	uri := rest != s
	if uri {
		rest = strings.TrimSuffix(rest, "/")
	}
	if i := strings.LastIndex(rest, "@"); i >= 0 {
		h.User, rest = rest[:i], rest[i+1:]
		if h.User == "" {
			return h, fmt.Errorf("hop %q: empty user name", s)
		}
	}
	host, port := rest, ""
	switch {
	case strings.HasPrefix(rest, "["):
		end := strings.Index(rest, "]")
		if end < 0 {
			return h, fmt.Errorf("hop %q: missing ]", s)
		}
		host = rest[1:end]
		if tail := rest[end+1:]; tail != "" {
			if !strings.HasPrefix(tail, ":") {
				return h, fmt.Errorf("hop %q: unexpected %q after ]", s, tail)
			}
			port = tail[1:]
		}
	case strings.Count(rest, ":") == 1:
		host, port, _ = strings.Cut(rest, ":")
	}
	if host == "" {
		return h, fmt.Errorf("hop %q: empty host name", s)
	}
	h.Host = host
	if port != "" {
		p, err := strconv.Atoi(port)
		if err != nil || p < 1 || p > 65535 {
			return h, fmt.Errorf("hop %q: bad port %q", s, port)
		}
		h.Port = p
	}
	return h, nil
}

// localUserName is the name of the user running sshdash.
func localUserName() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	if n := os.Getenv("USER"); n != "" {
		return n
	}
	return "root"
}

// pathExpander expands ~ and ssh's % tokens in file names from ssh_config.
type pathExpander struct {
	home      string
	localUser string
	t         Target
}

// expand returns p with a leading ~ or ~/ replaced by the home directory
// and the tokens %d %u %h %p %r %n %k %% expanded. Unknown tokens are left
// as they are.
func (e pathExpander) expand(p string) string {
	if p == "~" {
		p = e.home
	} else if strings.HasPrefix(p, "~/") {
		p = filepath.Join(e.home, p[2:])
	}
	return e.expandTokens(p)
}

// expandTokens expands ssh's % tokens (%d %u %h %p %r %n %k %%) in s, as
// in ProxyCommand; unknown tokens are left as they are.
func (e pathExpander) expandTokens(p string) string {
	if !strings.Contains(p, "%") {
		return p
	}
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		c := p[i]
		if c != '%' || i+1 >= len(p) {
			b.WriteByte(c)
			continue
		}
		i++
		switch p[i] {
		case '%':
			b.WriteByte('%')
		case 'd':
			b.WriteString(e.home)
		case 'u':
			b.WriteString(e.localUser)
		case 'h':
			b.WriteString(e.t.hostName())
		case 'p':
			b.WriteString(strconv.Itoa(e.t.port()))
		case 'r':
			b.WriteString(e.t.User)
		case 'n':
			b.WriteString(e.t.name())
		case 'k':
			if e.t.HostKeyAlias != "" {
				b.WriteString(e.t.HostKeyAlias)
			} else {
				b.WriteString(e.t.hostName())
			}
		default:
			b.WriteByte('%')
			b.WriteByte(p[i])
		}
	}
	return b.String()
}

// expandAll expands every path.
func (e pathExpander) expandAll(ps []string) []string {
	out := make([]string, 0, len(ps))
	for _, p := range ps {
		if p = strings.TrimSpace(p); p != "" && !strings.EqualFold(p, "none") {
			out = append(out, e.expand(p))
		}
	}
	return out
}

// isDefaultIdentity reports whether path is one of ssh's default identity
// files (~/.ssh/id_*): missing ones are not worth a message. Any home
// directory counts, as the config package and Dial may disagree on it.
func isDefaultIdentity(path string) bool {
	dir, base := filepath.Split(path)
	if filepath.Base(filepath.Clean(dir)) != ".ssh" {
		return false
	}
	for _, n := range defaultIdentityNames() {
		if base == n {
			return true
		}
	}
	return false
}
