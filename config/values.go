package config

import (
	"fmt"
	"math"
	"net"
	"strconv"
	"strings"
)

// This file holds the value parsers OpenSSH uses for configuration
// arguments (convtime, strtonum, a2port, scan_scaled, ...), reproduced
// with the same accepted syntax and the same edge cases.

// isCSpace reports whether c is white space for C's isspace in the C locale.
func isCSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
}

// strtoll parses like C's strtoll(s, &end, 10): leading white space, an
// optional sign, decimal digits. It returns the value, the unparsed rest,
// whether any digit was read and whether the value overflowed.
func strtoll(s string) (v int64, rest string, digits, overflow bool) {
	i := 0
	for i < len(s) && isCSpace(s[i]) {
		i++
	}
	neg := false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	start := i
	var u uint64
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		d := uint64(s[i] - '0')
		if u > (math.MaxUint64-d)/10 {
			overflow = true
		} else {
			u = u*10 + d
		}
		i++
	}
	if i == start {
		return 0, s, false, false
	}
	if neg {
		if u > 1<<63 {
			overflow = true
			return math.MinInt64, s[i:], true, true
		}
		return -int64(u), s[i:], true, overflow
	}
	if u > math.MaxInt64 {
		return math.MaxInt64, s[i:], true, true
	}
	return int64(u), s[i:], true, overflow
}

// strtonum is OpenBSD's strtonum: the whole string must be a decimal
// number within [lo, hi]. The error is "invalid", "too small" or "too large".
func strtonum(s string, lo, hi int64) (int64, string) {
	v, rest, digits, overflow := strtoll(s)
	switch {
	case !digits || rest != "":
		return 0, "invalid"
	case overflow && v < 0, v < lo:
		return 0, "too small"
	case overflow, v > hi:
		return 0, "too large"
	}
	return v, ""
}

// atoiErr is OpenSSH's atoi_err: a non-negative int.
func atoiErr(s string) (int, string) {
	if s == "" {
		return 0, "missing"
	}
	v, errstr := strtonum(s, 0, math.MaxInt32)
	return int(v), errstr
}

// convtime is OpenSSH's convtime: a time such as "90", "5m" or "1h30m", in
// seconds; -1 when invalid.
func convtime(s string) int {
	if s == "" {
		return -1
	}
	total := int64(0)
	for s != "" {
		secs, rest, digits, overflow := strtoll(s)
		if !digits || overflow || secs < 0 {
			return -1
		}
		mult := int64(1)
		if rest != "" {
			switch rest[0] {
			case 's', 'S':
			case 'm', 'M':
				mult = 60
			case 'h', 'H':
				mult = 3600
			case 'd', 'D':
				mult = 86400
			case 'w', 'W':
				mult = 604800
			default:
				return -1
			}
			rest = rest[1:]
		}
		if secs > math.MaxInt32/mult {
			return -1
		}
		secs *= mult
		if total > math.MaxInt32-secs {
			return -1
		}
		total += secs
		s = rest
	}
	return int(total)
}

// a2port is OpenSSH's a2port: a port number 0..65535 or a TCP service
// name from the services database; -1 when neither.
func a2port(s string) int {
	if v, errstr := strtonum(s, 0, 65535); errstr == "" {
		return int(v)
	}
	if s == "" || strings.ContainsAny(s, " \t/") || lowerASCII(s) != s {
		// getservbyname compares names exactly; Go's lookup would
		// ignore case, so refuse upper case here.
		return -1
	}
	p, err := net.LookupPort("tcp", s)
	if err != nil || p < 0 || p > 65535 {
		return -1
	}
	return p
}

// scanScaled is OpenBSD's scan_scaled: a number with an optional fraction
// and an optional unit B, K, M, G, T, P or E (powers of 1024).
func scanScaled(s string) (int64, bool) {
	const maxDigits = 21
	i := 0
	for i < len(s) && isCSpace(s[i]) {
		i++
	}
	sign := int64(0)
	for i < len(s) && (s[i] == '-' || s[i] == '+') {
		if sign != 0 {
			return 0, false
		}
		if s[i] == '-' {
			sign = -1
		} else {
			sign = 1
		}
		i++
	}
	var whole, fpart int64
	ndigits, fract := 0, 0
	for ; i < len(s) && (s[i] == '.' || (s[i] >= '0' && s[i] <= '9')); i++ {
		if s[i] == '.' {
			if fract > 0 {
				return 0, false
			}
			fract = 1
			continue
		}
		d := int64(s[i] - '0')
		if fract > 0 {
			if fract >= maxDigits-1 {
				continue
			}
			fract++
			if fpart > math.MaxInt64/10 {
				return 0, false
			}
			fpart = fpart*10 + d
			continue
		}
		ndigits++
		if ndigits >= maxDigits || whole > (math.MaxInt64-d)/10 {
			return 0, false
		}
		whole = whole*10 + d
	}
	if sign != 0 {
		whole *= sign
	}
	if i == len(s) {
		return whole, true
	}
	const units = "BKMGTPE"
	u := strings.IndexByte(units, s[i]&^0x20)
	if u < 0 || (s[i] >= 'a' && s[i] <= 'z' && units[u]|0x20 != s[i]) {
		return 0, false
	}
	if i+1 < len(s) && isAlnum(s[i+1]) {
		return 0, false
	}
	scale := int64(1) << (10 * u)
	if whole > math.MaxInt64/scale || whole < math.MinInt64/scale {
		return 0, false
	}
	whole *= scale
	for fpart >= math.MaxInt64/scale {
		fpart /= 10
		fract--
	}
	fpart *= scale
	for j := 0; j < fract-1; j++ {
		fpart /= 10
	}
	return whole + fpart, true
}

func isAlnum(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}

// ipqosNames maps IPQoS words to DSCP/TOS values, in OpenSSH's table order.
var ipqosNames = []struct {
	name  string
	value int
}{
	{"none", math.MaxInt32},
	{"af11", 0x28}, {"af12", 0x30}, {"af13", 0x38},
	{"af21", 0x48}, {"af22", 0x50}, {"af23", 0x58},
	{"af31", 0x68}, {"af32", 0x70}, {"af33", 0x78},
	{"af41", 0x88}, {"af42", 0x90}, {"af43", 0x98},
	{"cs0", 0x00}, {"cs1", 0x20}, {"cs2", 0x40}, {"cs3", 0x60},
	{"cs4", 0x80}, {"cs5", 0xa0}, {"cs6", 0xc0}, {"cs7", 0xe0},
	{"ef", 0xb8}, {"le", 0x01},
	{"lowdelay", 0x10}, {"throughput", 0x08}, {"reliability", 0x04},
}

// parseIPQoS is OpenSSH's parse_ipqos; -1 when invalid.
func parseIPQoS(s string) int {
	for _, q := range ipqosNames {
		if strings.EqualFold(s, q.name) {
			return q.value
		}
	}
	v, ok := strtolBase0(s)
	if !ok || v < 0 || v > 255 {
		return -1
	}
	return int(v)
}

// strtolBase0 parses a whole string as C's strtol with base 0 (decimal,
// 0x hexadecimal or 0 octal).
func strtolBase0(s string) (int64, bool) {
	if s == "" {
		return 0, false
	}
	t := strings.TrimLeft(s, " \t\n\v\f\r")
	neg := false
	if t != "" && (t[0] == '+' || t[0] == '-') {
		neg = t[0] == '-'
		t = t[1:]
	}
	base := 10
	switch {
	case len(t) > 2 && t[0] == '0' && (t[1] == 'x' || t[1] == 'X') && isHex(t[2]):
		base, t = 16, t[2:]
	case len(t) > 1 && t[0] == '0':
		base = 8
	}
	v, err := strconv.ParseInt(t, base, 64)
	if err != nil {
		return 0, false
	}
	if neg {
		v = -v
	}
	return v, true
}

func isHex(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

// iptos2str formats an IPQoS value as ssh -G prints it.
func iptos2str(v int) string {
	for _, q := range ipqosNames {
		if q.value == v {
			return q.name
		}
	}
	return fmt.Sprintf("0x%02x", v)
}

const (
	tunIDAny = 0x7fffffff
	tunIDErr = 0x7ffffffe
	tunIDMax = 0x7ffffffd
)

// a2tun is OpenSSH's a2tun: "N", "any", "N:M", ...
func a2tun(s string, withRemote bool) (local, remote int) {
	remote = tunIDAny
	if withRemote {
		i := strings.IndexByte(s, ':')
		if i < 0 {
			l, _ := a2tun(s, false)
			return l, remote
		}
		remote, _ = a2tun(s[i+1:], false)
		local, _ = a2tun(s[:i], false)
		if remote == tunIDErr {
			return tunIDErr, remote
		}
		return local, remote
	}
	if strings.EqualFold(s, "any") {
		return tunIDAny, remote
	}
	v, errstr := strtonum(s, 0, tunIDMax)
	if errstr != "" {
		return tunIDErr, remote
	}
	return int(v), remote
}

// escapeCharNone is the EscapeChar value "none".
const escapeCharNone = -2

// parseEscapeChar parses an EscapeChar argument; ok false when invalid.
func parseEscapeChar(arg string) (int, bool) {
	switch {
	case arg == "none":
		return escapeCharNone, true
	case len(arg) <= 1:
		if arg == "" {
			return 0, true
		}
		return int(arg[0]), true
	case len(arg) == 2 && arg[0] == '^' && arg[1] >= 64 && arg[1] < 128:
		return int(arg[1] & 31), true
	}
	return 0, false
}

// visChar encodes one byte as OpenBSD's vis(3) does with VIS_WHITE, the
// way ssh -G prints EscapeChar.
func visChar(c byte) string {
	if c > ' ' && c < 0x7f {
		if c == '\\' {
			return `\\`
		}
		return string(c)
	}
	if c&0x7f == ' ' {
		return fmt.Sprintf("\\%03o", c)
	}
	var b strings.Builder
	b.WriteByte('\\')
	if c&0x80 != 0 {
		c &= 0x7f
		b.WriteByte('M')
	}
	if c < ' ' || c == 0x7f {
		b.WriteByte('^')
		if c == 0x7f {
			b.WriteByte('?')
		} else {
			b.WriteByte(c + '@')
		}
	} else {
		b.WriteByte('-')
		b.WriteByte(c)
	}
	return b.String()
}

// logLevelNames are OpenSSH's log level names in table order.
var logLevelNames = []struct {
	name  string
	value int
}{
	{"QUIET", 0}, {"FATAL", 1}, {"ERROR", 2}, {"INFO", 3}, {"VERBOSE", 4},
	{"DEBUG", 5}, {"DEBUG1", 5}, {"DEBUG2", 6}, {"DEBUG3", 7},
}

// logLevel returns the canonical name for a LogLevel argument.
func logLevel(s string) (name string, value int, ok bool) {
	for _, l := range logLevelNames {
		if strings.EqualFold(s, l.name) {
			for _, c := range logLevelNames {
				if c.value == l.value {
					return c.name, c.value, true
				}
			}
		}
	}
	return "", 0, false
}

// syslogFacilities are the facility names OpenSSH accepts.
var syslogFacilities = []string{"DAEMON", "USER", "AUTH", "AUTHPRIV",
	"LOCAL0", "LOCAL1", "LOCAL2", "LOCAL3", "LOCAL4", "LOCAL5", "LOCAL6", "LOCAL7"}

// fingerprintHashes are the digest names OpenSSH accepts.
var fingerprintHashes = []string{"MD5", "SHA1", "SHA256", "SHA384", "SHA512"}

// canonicalWord returns the entry of names equal to s ignoring case.
func canonicalWord(names []string, s string) (string, bool) {
	for _, n := range names {
		if strings.EqualFold(n, s) {
			return n, true
		}
	}
	return "", false
}

// validEnvName is OpenSSH's valid_env_name.
func validEnvName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isAlnum(s[i]) && s[i] != '_' {
			return false
		}
	}
	return true
}

// validDomain is OpenSSH's valid_domain with makelower set: it returns the
// lower-cased domain or a reason it is invalid.
func validDomain(name string) (string, string) {
	if name == "" {
		return "", "empty domain name"
	}
	if !isAlnum(name[0]) || !(name[0] < 0x80) {
		return "", fmt.Sprintf("domain name %q starts with invalid character", name)
	}
	lower := lowerASCII(name)
	var last byte
	for i := 0; i < len(lower); i++ {
		c := lower[i]
		if last == '.' && c == '.' {
			return "", fmt.Sprintf("domain name %q contains consecutive separators", lower)
		}
		if c != '.' && c != '-' && c != '_' && !isAlnum(c) {
			return "", fmt.Sprintf("domain name %q contains invalid characters", lower)
		}
		last = c
	}
	if lower[len(lower)-1] == '.' {
		return "", fmt.Sprintf("domain name %q ends with invalid character", lower)
	}
	return lower, ""
}

// hpdelim splits "host:port" or "[host]:port" as OpenSSH's hpdelim: it
// returns the host part (still bracketed), the rest and whether a rest
// exists. ok is false for a malformed bracket or a '/' separator.
func hpdelim(s string) (host, rest string, hasRest, ok bool) {
	i := 0
	if strings.HasPrefix(s, "[") {
		j := strings.IndexByte(s, ']')
		if j < 0 {
			return "", "", false, false
		}
		i = j + 1
	} else if j := strings.IndexAny(s, ":/"); j >= 0 {
		i = j
	} else {
		i = len(s)
	}
	if i == len(s) {
		return s, "", false, true
	}
	switch s[i] {
	case ':':
		return s[:i], s[i+1:], true, true
	case '/':
		return "", "", false, false
	}
	return "", "", false, false
}

// cleanHostname strips the brackets of "[host]", as OpenSSH's cleanhostname.
func cleanHostname(h string) string {
	if len(h) >= 2 && h[0] == '[' && h[len(h)-1] == ']' {
		return h[1 : len(h)-1]
	}
	return h
}
