package session

import (
	"bufio"
	"bytes"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strconv"
	"strings"

	"golang.org/x/crypto/ssh"
)

// This file reads known_hosts files the way OpenSSH does (hostfile.c):
// every line is "[marker] patterns keytype base64 [comment]"; patterns are
// matched as globs (with ! negation) against the lookup name, which is
// "host" for port 22 and "[host]:port" otherwise (or the HostKeyAlias);
// "|1|salt|hash" entries are HMAC-SHA1 hashes of that name. Unlike
// x/crypto/ssh/knownhosts, a line that cannot be parsed is skipped (and
// reported) instead of making the whole file unusable, @cert-authority
// lines are kept apart from plain keys, and every entry remembers its file
// and line for messages.

// khMarker is a known_hosts line's marker.
type khMarker int

const (
	khPlain   khMarker = iota // an ordinary host key
	khCA                      // @cert-authority: a CA trusted to sign host certificates
	khRevoked                 // @revoked: a key that must never be accepted
)

// khEntry is one parsed known_hosts line.
type khEntry struct {
	File    string
	Line    int
	Marker  khMarker
	Hosts   string // the host pattern field as written
	Hashed  bool   // Hosts is |1|salt|hash
	Key     ssh.PublicKey
	hashKey []byte // salt, when hashed
	hashSum []byte // expected HMAC, when hashed
}

// knownHosts is the parsed content of a set of known_hosts files.
type knownHosts struct {
	entries  []khEntry
	problems []string // lines or files that could not be used, for the log
}

// loadKnownHosts reads files in order. Missing files are fine; unreadable
// files and unparsable lines are reported in problems and skipped.
func loadKnownHosts(files []string) *knownHosts {
	kh := &knownHosts{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			if !errors.Is(err, fs.ErrNotExist) {
				kh.problems = append(kh.problems, fmt.Sprintf("cannot read known hosts file %s: %v", f, err))
			}
			continue
		}
		kh.parse(f, data)
	}
	return kh
}

// parse adds the entries of one file's content.
func (kh *knownHosts) parse(file string, data []byte) {
	sc := bufio.NewScanner(bytes.NewReader(data))
	// The buffer starts small and grows, up to the longest line allowed,
	// only for a line that needs it: every connection reads the files, and
	// a 64 KiB buffer from the start was an eighth of all that opening a
	// thousand sessions allocated.
	sc.Buffer(make([]byte, 0, 4<<10), 1<<20)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		e, err := parseKnownHostsLine(line)
		if err != nil {
			kh.problems = append(kh.problems, fmt.Sprintf("%s:%d: %v (line ignored)", file, n, err))
			continue
		}
		e.File, e.Line = file, n
		kh.entries = append(kh.entries, e)
	}
	if err := sc.Err(); err != nil {
		kh.problems = append(kh.problems, fmt.Sprintf("%s:%d: %v (rest of file ignored)", file, n+1, err))
	}
}

// parseKnownHostsLine parses one non-empty, non-comment line.
func parseKnownHostsLine(line string) (khEntry, error) {
	var e khEntry
	f := strings.Fields(line)
	if len(f) > 0 && strings.HasPrefix(f[0], "@") {
		switch f[0] {
		case "@cert-authority":
			e.Marker = khCA
		case "@revoked":
			e.Marker = khRevoked
		default:
			return e, fmt.Errorf("unknown marker %q", f[0])
		}
		f = f[1:]
	}
	if len(f) < 3 {
		return e, errors.New("want host patterns, key type and key")
	}
	e.Hosts = f[0]
	blob, err := base64.StdEncoding.DecodeString(f[2])
	if err != nil {
		return e, fmt.Errorf("bad base64 key: %w", err)
	}
	key, err := ssh.ParsePublicKey(blob)
	if err != nil {
		return e, fmt.Errorf("bad %s key: %w", f[1], err)
	}
	if key.Type() != f[1] {
		return e, fmt.Errorf("key type %s does not match the key (%s)", f[1], key.Type())
	}
	e.Key = key
	if strings.HasPrefix(e.Hosts, "|") {
		salt, sum, err := decodeHashedHost(e.Hosts)
		if err != nil {
			return e, err
		}
		e.Hashed, e.hashKey, e.hashSum = true, salt, sum
	}
	return e, nil
}

// decodeHashedHost splits "|1|salt|hash".
func decodeHashedHost(s string) (salt, sum []byte, err error) {
	parts := strings.Split(s, "|")
	if len(parts) != 4 || parts[0] != "" || parts[1] != "1" {
		return nil, nil, fmt.Errorf("bad hashed host %q", s)
	}
	if salt, err = base64.StdEncoding.DecodeString(parts[2]); err != nil {
		return nil, nil, fmt.Errorf("bad hashed host salt: %w", err)
	}
	if sum, err = base64.StdEncoding.DecodeString(parts[3]); err != nil {
		return nil, nil, fmt.Errorf("bad hashed host hash: %w", err)
	}
	return salt, sum, nil
}

// hashHostName returns the HMAC-SHA1 of name keyed with salt, as OpenSSH
// stores hashed host names.
func hashHostName(name string, salt []byte) []byte {
	m := hmac.New(sha1.New, salt)
	m.Write([]byte(name))
	return m.Sum(nil)
}

// matches reports whether the entry's host field matches the lookup name.
func (e *khEntry) matches(name string) bool {
	if e.Hashed {
		return hmac.Equal(hashHostName(name, e.hashKey), e.hashSum)
	}
	return matchHostPatterns(name, e.Hosts)
}

// lookup returns the entries (of every marker) whose host field matches name.
func (kh *knownHosts) lookup(name string) []khEntry {
	var out []khEntry
	for i := range kh.entries {
		if kh.entries[i].matches(name) {
			out = append(out, kh.entries[i])
		}
	}
	return out
}

// knownHostsName is the name OpenSSH looks a host up by: the HostKeyAlias
// if set, else host for port 22 and [host]:port for any other port; lower
// case, as ssh lower-cases host names.
func knownHostsName(host string, port int, alias string) string {
	if alias != "" {
		return strings.ToLower(alias)
	}
	host = strings.ToLower(strings.TrimSuffix(strings.TrimPrefix(host, "["), "]"))
	if port == 0 || port == 22 {
		return host
	}
	return "[" + host + "]:" + strconv.Itoa(port)
}

// matchHostPatterns implements OpenSSH's match_hostname: a comma-separated
// list of glob patterns (* and ?), each possibly negated with !. A matching
// negated pattern makes the whole list fail.
func matchHostPatterns(name, list string) bool {
	name = strings.ToLower(name)
	matched := false
	for _, p := range strings.Split(list, ",") {
		neg := strings.HasPrefix(p, "!")
		if neg {
			p = p[1:]
		}
		if p == "" {
			continue
		}
		if globMatch(strings.ToLower(p), name) {
			if neg {
				return false
			}
			matched = true
		}
	}
	return matched
}

// globMatch matches s against a pattern of literal characters, * (any
// run) and ? (any one character).
func globMatch(pattern, s string) bool {
	px, sx := 0, 0
	starP, starS := -1, 0
	for sx < len(s) {
		switch {
		case px < len(pattern) && (pattern[px] == '?' || pattern[px] == s[sx]):
			px++
			sx++
		case px < len(pattern) && pattern[px] == '*':
			starP, starS = px, sx
			px++
		case starP >= 0:
			starS++
			px, sx = starP+1, starS
		default:
			return false
		}
	}
	for px < len(pattern) && pattern[px] == '*' {
		px++
	}
	return px == len(pattern)
}
