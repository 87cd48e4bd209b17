package config

import (
	"fmt"
	"strconv"
	"strings"
)

// jumpSpec is a parsed ProxyJump value as OpenSSH's parse_jump stores it:
// the last hop in host/user/port, earlier hops verbatim in extra.
type jumpSpec struct {
	none    bool   // "ProxyJump none": no jump host, and ProxyCommand is ignored
	host    string // last hop's host
	user    string
	hasUser bool
	port    int    // -1 when not given
	extra   string // hops before the last, comma-separated
}

// parseJump checks a ProxyJump value: comma-separated [user@]host[:port]
// or ssh:// URIs, or "none".
func parseJump(s string) (jumpSpec, bool) {
	var j jumpSpec
	if strings.EqualFold(s, "none") {
		j.none = true
		j.host = "none"
		j.port = 0
		return j, true
	}
	sdup := s
	if i := strings.IndexByte(sdup, '#'); i >= 0 {
		sdup = sdup[:i]
	}
	sdup = strings.TrimRight(sdup, " \t\n\v\f\r")
	first := true
	for {
		var hop string
		last := strings.LastIndexByte(sdup, ',')
		if last < 0 {
			hop, sdup = sdup, ""
		} else {
			hop, sdup = sdup[last+1:], sdup[:last]
		}
		user, hasUser, host, port, ok := parseHop(hop)
		if !ok {
			return j, false
		}
		if first {
			j.user, j.hasUser, j.host, j.port = user, hasUser, host, port
			first = false
		}
		if last < 0 {
			break
		}
	}
	if i := strings.LastIndexByte(s, ','); i > 0 {
		j.extra = s[:i]
	}
	return j, true
}

// parseHop parses one ProxyJump hop as an ssh:// URI or [user@]host[:port].
func parseHop(s string) (user string, hasUser bool, host string, port int, ok bool) {
	if strings.HasPrefix(s, "ssh://") {
		return parseSSHURI(s[len("ssh://"):])
	}
	return parseUserHostPort(s)
}

// parseUserHostPort is OpenSSH's parse_user_host_port.
func parseUserHostPort(s string) (user string, hasUser bool, host string, port int, ok bool) {
	port = -1
	if i := strings.LastIndexByte(s, '@'); i >= 0 {
		if i == 0 {
			return
		}
		user, hasUser, s = s[:i], true, s[i+1:]
	}
	h, rest, hasRest, ok2 := hpdelim(s)
	if !ok2 || h == "" {
		return "", false, "", -1, false
	}
	host = cleanHostname(h)
	if hasRest && rest != "" {
		if port = a2port(rest); port <= 0 {
			return "", false, "", -1, false
		}
	}
	return user, hasUser, host, port, true
}

// parseSSHURI is OpenSSH's parse_uri for "ssh://" (the scheme removed).
// A path is not allowed.
func parseSSHURI(s string) (user string, hasUser bool, host string, port int, ok bool) {
	port = -1
	if i := strings.IndexByte(s, '@'); i >= 0 {
		u := s[:i]
		if j := strings.IndexByte(u, ';'); j >= 0 {
			u = u[:j]
		}
		if u == "" {
			return
		}
		d, good := urlDecode(u)
		if !good {
			return
		}
		user, hasUser, s = d, true, s[i+1:]
	}
	i := 0
	if strings.HasPrefix(s, "[") {
		j := strings.IndexByte(s, ']')
		if j < 0 {
			return "", false, "", -1, false
		}
		i = j + 1
	} else if j := strings.IndexAny(s, ":/"); j >= 0 {
		i = j
	} else {
		i = len(s)
	}
	h, rest, delim := s[:i], "", byte(0)
	if i < len(s) {
		delim = s[i]
		if delim != ':' && delim != '/' {
			return "", false, "", -1, false
		}
		rest = s[i+1:]
	}
	if h == "" {
		return "", false, "", -1, false
	}
	host = cleanHostname(h)
	if _, why := validDomain(host); why != "" {
		return "", false, "", -1, false
	}
	if rest != "" && delim == ':' {
		p := rest
		path := ""
		if j := strings.IndexByte(rest, '/'); j >= 0 {
			p, path = rest[:j], rest[j+1:]
		}
		if port = a2port(p); port <= 0 {
			return "", false, "", -1, false
		}
		rest = path
	}
	if rest != "" {
		return "", false, "", -1, false // a path is not allowed here
	}
	return user, hasUser, host, port, true
}

// urlDecode is OpenSSH's urldecode: %XX escapes and '+' for space.
func urlDecode(s string) (string, bool) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '+':
			b.WriteByte(' ')
		case '%':
			if i+2 >= len(s) || !isHex(s[i+1]) || !isHex(s[i+2]) {
				return "", false
			}
			v, _ := strconv.ParseUint(s[i+1:i+3], 16, 8)
			b.WriteByte(byte(v))
			i += 2
		default:
			b.WriteByte(s[i])
		}
	}
	return b.String(), true
}

// String formats the jump as ssh -G prints it after "proxyjump ".
func (j *jumpSpec) String() string {
	var b strings.Builder
	if j.extra != "" {
		b.WriteString(j.extra)
		b.WriteByte(',')
	}
	if j.hasUser {
		b.WriteString(j.user)
		b.WriteByte('@')
	}
	numeric := strings.Contains(j.host, ":") || strings.Trim(j.host, "1234567890.") == ""
	if numeric {
		b.WriteByte('[')
	}
	b.WriteString(j.host)
	if numeric {
		b.WriteByte(']')
	}
	if j.port > 0 {
		fmt.Fprintf(&b, ":%d", j.port)
	}
	return b.String()
}
