package config

import (
	"fmt"
	"strings"
)

// portStreamLocal marks a forward end that is a Unix socket path.
const portStreamLocal = -2

// forward is one parsed LocalForward, RemoteForward or DynamicForward, as
// OpenSSH's struct Forward. Empty paths stand for NULL; the *Set flags
// tell an empty host name from a NULL one.
type forward struct {
	listenHost     string
	listenHostSet  bool
	listenPort     int
	listenPath     string
	connectHost    string
	connectHostSet bool
	connectPort    int
	connectPath    string
}

// isDynamic reports whether the forward is a SOCKS (dynamic) forward.
func (f *forward) isDynamic() bool { return f.connectHostSet && f.connectHost == "socks" }

// String formats the forward as ssh -G prints it for LocalForward and
// RemoteForward (without the keyword).
func (f *forward) String() string {
	return f.format(f.listenPath, f.connectPath, true)
}

// format renders the forward with the given (possibly expanded) paths.
// withConnect is false for dynamic forwards printed as DynamicForward.
func (f *forward) format(listenPath, connectPath string, withConnect bool) string {
	var b strings.Builder
	switch {
	case f.listenPort == portStreamLocal:
		b.WriteString(listenPath)
	case !f.listenHostSet:
		fmt.Fprintf(&b, "%d", f.listenPort)
	default:
		fmt.Fprintf(&b, "[%s]:%d", f.listenHost, f.listenPort)
	}
	if !withConnect {
		return b.String()
	}
	b.WriteByte(' ')
	switch {
	case f.connectPort == portStreamLocal:
		b.WriteString(connectPath)
	case !f.connectHostSet:
		fmt.Fprintf(&b, "%d", f.connectPort)
	default:
		fmt.Fprintf(&b, "[%s]:%d", f.connectHost, f.connectPort)
	}
	return b.String()
}

type fwdField struct {
	arg    string
	isPath bool
}

// parseFwdField is OpenSSH's parse_fwd_field: one colon-separated field,
// which may be [bracketed] and may contain backslash escapes (the escaped
// character is taken literally). p must not be empty. On failure the caller
// keeps p unchanged, as OpenSSH does.
func parseFwdField(p string) (f fwdField, rest string, ok bool) {
	if p[0] == '[' {
		end := strings.IndexByte(p, ']')
		if end < 0 {
			return f, "", false
		}
		if end+1 < len(p) && p[end+1] != ':' {
			return f, "", false
		}
		f.arg = p[1:end]
		f.isPath = strings.Contains(f.arg, "/")
		if end+1 >= len(p) {
			return f, "", true
		}
		return f, p[end+2:], true
	}
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		switch c := p[i]; c {
		case '\\':
			if i+1 >= len(p) {
				return f, "", false
			}
			i++
			b.WriteByte(p[i])
		case '/':
			f.isPath = true
			b.WriteByte(c)
		case ':':
			f.arg = b.String()
			return f, p[i+1:], true
		default:
			b.WriteByte(c)
		}
	}
	f.arg = b.String()
	return f, "", true
}

// parseForward is OpenSSH's parse_forward. spec has already had ${VAR}
// expansion applied. It reports false for an invalid specification.
func parseForward(spec string, dynamic, remote bool) (forward, bool) {
	var fwd forward
	cp := strings.TrimLeft(spec, " \t\n\v\f\r")
	var args [4]fwdField
	n := 0
	for n < 4 && cp != "" {
		f, rest, ok := parseFwdField(cp)
		if !ok {
			break
		}
		args[n] = f
		n++
		cp = rest
	}
	if cp != "" {
		// Trailing garbage, or a field that failed to parse.
		n = 0
	}
	port := func(s string) int { return a2port(s) }
	listenHost := func(h string) { fwd.listenHost, fwd.listenHostSet = h, true }
	connectHost := func(h string) { fwd.connectHost, fwd.connectHostSet = h, true }
	switch n {
	case 1:
		if args[0].isPath {
			fwd.listenPath, fwd.listenPort = args[0].arg, portStreamLocal
		} else {
			fwd.listenPort = port(args[0].arg)
		}
		connectHost("socks")
	case 2:
		switch {
		case args[0].isPath && args[1].isPath:
			fwd.listenPath, fwd.listenPort = args[0].arg, portStreamLocal
			fwd.connectPath, fwd.connectPort = args[1].arg, portStreamLocal
		case args[1].isPath:
			fwd.listenPort = port(args[0].arg)
			fwd.connectPath, fwd.connectPort = args[1].arg, portStreamLocal
		default:
			listenHost(args[0].arg)
			fwd.listenPort = port(args[1].arg)
			connectHost("socks")
		}
	case 3:
		switch {
		case args[0].isPath:
			fwd.listenPath, fwd.listenPort = args[0].arg, portStreamLocal
			connectHost(args[1].arg)
			fwd.connectPort = port(args[2].arg)
		case args[2].isPath:
			listenHost(args[0].arg)
			fwd.listenPort = port(args[1].arg)
			fwd.connectPath, fwd.connectPort = args[2].arg, portStreamLocal
		default:
			fwd.listenPort = port(args[0].arg)
			connectHost(args[1].arg)
			fwd.connectPort = port(args[2].arg)
		}
	case 4:
		listenHost(args[0].arg)
		fwd.listenPort = port(args[1].arg)
		connectHost(args[2].arg)
		fwd.connectPort = port(args[3].arg)
	default:
		return fwd, false
	}
	if dynamic {
		if n != 1 && n != 2 {
			return fwd, false
		}
	} else {
		if n != 3 && n != 4 && fwd.connectPath == "" && fwd.listenPath == "" {
			return fwd, false
		}
		if fwd.connectPort <= 0 && fwd.connectPath == "" {
			return fwd, false
		}
	}
	if (fwd.listenPort < 0 && fwd.listenPath == "") || (!remote && fwd.listenPort == 0) {
		return fwd, false
	}
	const niMaxHost, pathMaxSun = 1025, 108
	if len(fwd.connectHost) >= niMaxHost || len(fwd.listenHost) >= niMaxHost ||
		len(fwd.connectPath) >= pathMaxSun || len(fwd.listenPath) >= pathMaxSun {
		return fwd, false
	}
	return fwd, true
}
