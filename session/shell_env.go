package session

import (
	"strings"

	"golang.org/x/crypto/ssh"
)

// DefaultTerminalModes are the PTY modes sshdash requests: those of a
// freshly opened Linux terminal in cooked mode (echo, canonical input,
// signals, CR→NL on input and NL→CRNL on output, UTF-8, DEL as erase),
// at 38400 baud. ssh copies the local terminal's modes instead; sshdash's
// terminals are its own, so it sends these.
func DefaultTerminalModes() ssh.TerminalModes {
	return ssh.TerminalModes{
		ssh.VINTR: 3, ssh.VQUIT: 28, ssh.VERASE: 127, ssh.VKILL: 21, ssh.VEOF: 4,
		ssh.VSTART: 17, ssh.VSTOP: 19, ssh.VSUSP: 26, ssh.VREPRINT: 18,
		ssh.VWERASE: 23, ssh.VLNEXT: 22, ssh.VDISCARD: 15,
		ssh.ICRNL: 1, ssh.IXON: 1, ssh.IUTF8: 1,
		ssh.ISIG: 1, ssh.ICANON: 1, ssh.IEXTEN: 1,
		ssh.ECHO: 1, ssh.ECHOE: 1, ssh.ECHOK: 1, ssh.ECHOCTL: 1, ssh.ECHOKE: 1,
		ssh.OPOST: 1, ssh.ONLCR: 1,
		ssh.CS8:           1,
		ssh.TTY_OP_ISPEED: 38400, ssh.TTY_OP_OSPEED: 38400,
	}
}

// envToSend returns the NAME, VALUE pairs to send: local variables whose
// names match SendEnv (a pattern starting with - excludes names), then
// SetEnv entries, which win over SendEnv for the same name.
func envToSend(environ, sendEnv, setEnv []string) [][2]string {
	var include, exclude []string
	for _, p := range sendEnv {
		for _, f := range strings.Fields(p) {
			if strings.HasPrefix(f, "-") {
				exclude = append(exclude, f[1:])
			} else {
				include = append(include, f)
			}
		}
	}
	set := map[string]string{}
	var setOrder []string
	for _, kv := range setEnv {
		name, value, ok := strings.Cut(strings.TrimSpace(kv), "=")
		if !ok || name == "" {
			continue
		}
		if len(value) >= 2 && value[0] == '"' && value[len(value)-1] == '"' {
			value = value[1 : len(value)-1]
		}
		if _, dup := set[name]; !dup {
			setOrder = append(setOrder, name)
		}
		set[name] = value
	}
	var out [][2]string
	if len(include) > 0 {
		for _, kv := range environ {
			name, value, ok := strings.Cut(kv, "=")
			if !ok || name == "" {
				continue
			}
			if _, overridden := set[name]; overridden {
				continue
			}
			if matchesAny(include, name) && !matchesAny(exclude, name) {
				out = append(out, [2]string{name, value})
			}
		}
	}
	for _, name := range setOrder {
		out = append(out, [2]string{name, set[name]})
	}
	return out
}

// matchesAny reports whether name matches one of the glob patterns.
func matchesAny(patterns []string, name string) bool {
	for _, p := range patterns {
		if globMatch(p, name) {
			return true
		}
	}
	return false
}

// sendEnv sends an env request without asking for a reply, as ssh does:
// servers refuse variables their AcceptEnv does not list, and that is not
// an error.
func sendEnv(sess *ssh.Session, name, value string) error {
	_, err := sess.SendRequest("env", false, ssh.Marshal(struct{ Name, Value string }{name, value}))
	return err
}
