package config

import (
	"fmt"
	"strconv"
	"strings"
)

// ParseDestination parses a destination as ssh does: "[user@]host[:port]", "[user@][v6addr]:port" or
// "ssh://[user@]host[:port]". A bare IPv6 address (several colons) has no
// port.
func ParseDestination(dest string) (user, host string, port int, err error) {
	s := strings.TrimPrefix(dest, "ssh://")
	uri := s != dest
	if uri {
		s = strings.TrimSuffix(s, "/")
	}
	if i := strings.LastIndexByte(s, '@'); i >= 0 {
		user, s = s[:i], s[i+1:]
		if user == "" {
			return "", "", 0, fmt.Errorf("empty user name in %q", dest)
		}
	}
	portStr := ""
	switch {
	case strings.HasPrefix(s, "["):
		end := strings.IndexByte(s, ']')
		if end < 0 {
			return "", "", 0, fmt.Errorf("missing ']' in %q", dest)
		}
		host, s = s[1:end], s[end+1:]
		if s != "" {
			if s[0] != ':' {
				return "", "", 0, fmt.Errorf("unexpected %q after ']' in %q", s, dest)
			}
			portStr = s[1:]
		}
	case strings.Count(s, ":") == 1:
		host, portStr, _ = strings.Cut(s, ":")
	default:
		host = s
	}
	if host == "" {
		return "", "", 0, fmt.Errorf("no host in %q", dest)
	}
	if portStr != "" {
		p, perr := strconv.Atoi(portStr)
		if perr != nil || p <= 0 || p > 65535 {
			return "", "", 0, fmt.Errorf("bad port %q in %q", portStr, dest)
		}
		port = p
	}
	return user, host, port, nil
}
