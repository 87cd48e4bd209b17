package config

import (
	"crypto/sha1"
	"encoding/hex"
	"errors"
	"fmt"
	"os/user"
	"strconv"
	"strings"
)

// This file implements ssh's expansions: %-tokens (percent_expand),
// ${VAR} environment references (dollar_expand) and ~ (tilde_expand).

func itoa(n int) string { return strconv.Itoa(n) }

// expandPercent replaces %X tokens from toks and %% with %. An unknown
// token or a trailing % is an error, as in ssh.
func expandPercent(s string, toks map[byte]string) (string, error) {
	return expand(s, toks, nil)
}

// expandDollar replaces ${VAR} with the variable's value; an unset
// variable or a malformed reference is an error.
func expandDollar(s string, lookupEnv func(string) (string, bool)) (string, error) {
	return expand(s, nil, lookupEnv)
}

// expand is OpenSSH's vdollar_percent_expand: one pass over s handling
// ${VAR} (when getenv is set) and %X (when toks is set).
func expand(s string, toks map[byte]string, getenv func(string) (string, bool)) (string, error) {
	if (toks == nil || strings.IndexByte(s, '%') < 0) && (getenv == nil || !strings.Contains(s, "${")) {
		return s, nil
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if getenv != nil && c == '$' && i+1 < len(s) && s[i+1] == '{' {
			rest := s[i+2:]
			end := strings.IndexByte(rest, '}')
			if end < 0 {
				return "", fmt.Errorf("environment variable %q missing closing '}'", rest)
			}
			if end == 0 {
				return "", errors.New("zero-length environment variable")
			}
			name := rest[:end]
			v, ok := getenv(name)
			if !ok {
				return "", fmt.Errorf("env var ${%s} has no value", name)
			}
			b.WriteString(v)
			i += 2 + end
			continue
		}
		if c != '%' || toks == nil {
			b.WriteByte(c)
			continue
		}
		i++
		if i >= len(s) {
			return "", errors.New("invalid format: % at end")
		}
		if s[i] == '%' {
			b.WriteByte('%')
			continue
		}
		v, ok := toks[s[i]]
		if !ok {
			return "", fmt.Errorf("unknown key %%%c", s[i])
		}
		b.WriteString(v)
	}
	return b.String(), nil
}

// tildeExpand is OpenSSH's tilde_expand_filename: "~" and "~/..." use
// home; "~user/..." uses that user's home directory.
func tildeExpand(path, home string) (string, error) {
	if !strings.HasPrefix(path, "~") {
		return path, nil
	}
	rest := path[1:]
	var name, tail string
	switch {
	case rest == "":
	case rest[0] == '/':
		tail = strings.TrimLeft(rest, "/")
	default:
		name = rest
		if i := strings.IndexByte(rest, '/'); i >= 0 {
			name = rest[:i]
			tail = strings.TrimLeft(rest[i+1:], "/")
		}
	}
	dir := home
	if name != "" {
		u, err := user.Lookup(name)
		if err != nil {
			return "", fmt.Errorf("no such user %s", name)
		}
		dir = u.HomeDir
	}
	if dir == "" || dir[len(dir)-1] != '/' {
		dir += "/"
	}
	return dir + tail, nil
}

// connectionHash is OpenSSH's ssh_connection_hash, the %C token: the SHA-1
// of local host name, remote host, port and remote user, in hex.
func connectionHash(thisHost, host, port, user string) string {
	h := sha1.New()
	h.Write([]byte(thisHost))
	h.Write([]byte(host))
	h.Write([]byte(port))
	h.Write([]byte(user))
	return hex.EncodeToString(h.Sum(nil))
}
