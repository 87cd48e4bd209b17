// Failure reasons in full: the preview of a failed or dropped session
// shows the whole cause, wrapped; a changed host key gets OpenSSH's
// warning, both fingerprints and the known_hosts line to fix.

package ui

import (
	"errors"
	"fmt"
	"strings"

	"github.com/sshdash/sshdash/session"
)

// failureText is the preview's account of why the session failed or
// dropped: the headline (the state and the whole reason, to be wrapped)
// and any further lines; ok is false when there is nothing to say.
func failureText(s session.Status) (headline string, detail []string, ok bool) {
	if s.Cause == nil || (s.State != session.Failed && s.State != session.Dropped) {
		return "", nil, false
	}
	head := stateIcon(s.State) + " " + s.State.String() + ": "
	if c := dropCauseText(s); c != "" {
		head = stateIcon(s.State) + " " + s.State.String() + " (" + c + "): "
	}
	var hk *session.HostKeyChangedError
	if errors.As(s.Cause, &hk) {
		return head + shortCause(hk), hostKeyChangedText(hk), true
	}
	return head + oneLine(s.Cause.Error()), nil, true
}

// hostKeyChangedText is OpenSSH's warning for a changed host key, with
// the known key's fingerprint as well and the command that removes the
// old line (sshdash never rewrites known_hosts itself).
func hostKeyChangedText(e *session.HostKeyChangedError) []string {
	kt := keyTypeName(e.KeyType)
	rule := "@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@"
	return []string{
		rule,
		"@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @",
		rule,
		"IT IS POSSIBLE THAT SOMEONE IS DOING SOMETHING NASTY!",
		"Someone could be eavesdropping on you right now (man-in-the-middle attack)!",
		"It is also possible that a host key has just been changed.",
		fmt.Sprintf("The fingerprint for the %s key sent by the remote host is", kt),
		e.Fingerprint + ".",
		fmt.Sprintf("The key you trusted before (%s) is", kt),
		e.KnownFingerprint + ".",
		fmt.Sprintf("Offending %s key in %s:%d", kt, e.File, e.Line),
		"If the change is expected, remove that line, e.g.:",
		fmt.Sprintf("  ssh-keygen -f %s -R %s", shQuote(e.File), shQuote(e.Host)),
		fmt.Sprintf("Host key for %s has changed; sshdash refuses to connect.", e.Host),
	}
}

// keyTypeName names a key type as OpenSSH's warning does: ED25519, RSA,
// ECDSA.
func keyTypeName(t string) string {
	switch {
	case strings.Contains(t, "ed25519"):
		return "ED25519"
	case strings.Contains(t, "ecdsa"):
		return "ECDSA"
	case strings.Contains(t, "rsa"):
		return "RSA"
	case strings.Contains(t, "dss"):
		return "DSA"
	}
	return strings.ToUpper(strings.TrimPrefix(t, "ssh-"))
}

// shQuote quotes s for a POSIX shell when it needs it.
func shQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._-:@+%,") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// shortCause names a failure in a few words for the sessions table, where
// the whole reason cannot fit; the preview has it in full.
func shortCause(err error) string {
	var (
		changed *session.HostKeyChangedError
		unknown *session.HostKeyUnknownError
		revoked *session.HostKeyRevokedError
		auth    *session.AuthError
	)
	switch {
	case errors.As(err, &changed):
		return "HOST KEY CHANGED"
	case errors.As(err, &revoked):
		return "host key revoked"
	case errors.As(err, &unknown):
		return "host key not accepted"
	case errors.As(err, &auth):
		return "permission denied"
	}
	return oneLine(err.Error())
}
