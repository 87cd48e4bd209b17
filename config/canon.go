package config

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// This file reproduces ssh's host name canonicalisation: numeric
// addresses are normalised; CanonicalizeHostname tries CanonicalDomains
// suffixes through DNS (only with a Lookup function).

// isAddrFast is OpenSSH's is_addr_fast: the name can only be an address.
func isAddrFast(name string) bool {
	return strings.ContainsAny(name, "%:") || strings.Trim(name, "0123456789.") == ""
}

// canonicalAddr parses name as a numeric address the way getaddrinfo does
// with AI_NUMERICHOST (inet_aton forms for IPv4) and formats it as
// getnameinfo does. ok is false when name is not a valid address.
func canonicalAddr(name string) (string, bool) {
	if v4, ok := inetAton(name); ok {
		return v4, true
	}
	addr, zone, _ := strings.Cut(name, "%")
	a, err := netip.ParseAddr(addr)
	if err != nil || !a.Is6() || strings.Contains(addr, "%") {
		return "", false
	}
	s := inetNtop6(a.As16())
	if zone != "" || strings.Contains(name, "%") {
		if zone == "" {
			return "", false
		}
		if _, err := strconv.ParseUint(zone, 10, 32); err != nil {
			if _, err := net.InterfaceByName(zone); err != nil {
				return "", false
			}
		}
		s += "%" + zone
	}
	return s, true
}

// isAddr is OpenSSH's is_addr.
func isAddr(name string) bool {
	if isAddrFast(name) {
		return true
	}
	_, ok := canonicalAddr(name)
	return ok
}

// inetAton parses the IPv4 forms inet_aton accepts: one to four parts,
// each decimal, octal (leading 0) or hexadecimal (0x). It returns the
// dotted-quad form.
func inetAton(s string) (string, bool) {
	var vals [4]uint64
	n := 0
	i := 0
	for {
		if n == 4 || i >= len(s) || s[i] < '0' || s[i] > '9' {
			return "", false
		}
		base := uint64(10)
		if s[i] == '0' {
			i++
			if i < len(s) && (s[i] == 'x' || s[i] == 'X') {
				base = 16
				i++
			} else {
				base = 8
			}
		}
		var v uint64
		for i < len(s) {
			c := s[i]
			var d uint64
			switch {
			case c >= '0' && c <= '9':
				d = uint64(c - '0')
				if base == 8 && d > 7 {
					return "", false
				}
			case base == 16 && c >= 'a' && c <= 'f':
				d = uint64(c-'a') + 10
			case base == 16 && c >= 'A' && c <= 'F':
				d = uint64(c-'A') + 10
			default:
				goto end
			}
			v = v*base + d
			if v > 0xffffffff {
				return "", false
			}
			i++
		}
	end:
		vals[n] = v
		n++
		if i < len(s) && s[i] == '.' {
			i++
			continue
		}
		break
	}
	if i != len(s) {
		return "", false
	}
	var ip uint64
	last := n - 1
	for k := 0; k < last; k++ {
		if vals[k] > 0xff {
			return "", false
		}
		ip |= vals[k] << (24 - 8*k)
	}
	if vals[last] > (uint64(1)<<(8*(4-last)))-1 {
		return "", false
	}
	ip |= vals[last]
	var buf [15]byte
	b := strconv.AppendUint(buf[:0], ip>>24, 10)
	b = append(b, '.')
	b = strconv.AppendUint(b, ip>>16&0xff, 10)
	b = append(b, '.')
	b = strconv.AppendUint(b, ip>>8&0xff, 10)
	b = append(b, '.')
	b = strconv.AppendUint(b, ip&0xff, 10)
	if string(b) == s {
		return s, true
	}
	return string(b), true
}

// inetNtop6 formats an IPv6 address as glibc's inet_ntop does.
func inetNtop6(b [16]byte) string {
	var words [8]int
	for i := range words {
		words[i] = int(b[2*i])<<8 | int(b[2*i+1])
	}
	bestBase, bestLen, curBase, curLen := -1, 0, -1, 0
	for i := 0; i < 8; i++ {
		if words[i] == 0 {
			if curBase == -1 {
				curBase, curLen = i, 1
			} else {
				curLen++
			}
			continue
		}
		if curBase != -1 {
			if bestBase == -1 || curLen > bestLen {
				bestBase, bestLen = curBase, curLen
			}
			curBase = -1
		}
	}
	if curBase != -1 && (bestBase == -1 || curLen > bestLen) {
		bestBase, bestLen = curBase, curLen
	}
	if bestBase != -1 && bestLen < 2 {
		bestBase = -1
	}
	var sb strings.Builder
	for i := 0; i < 8; i++ {
		if bestBase != -1 && i >= bestBase && i < bestBase+bestLen {
			if i == bestBase {
				sb.WriteByte(':')
			}
			continue
		}
		if i != 0 {
			sb.WriteByte(':')
		}
		if i == 6 && bestBase == 0 && (bestLen == 6 || (bestLen == 5 && words[5] == 0xffff)) {
			fmt.Fprintf(&sb, "%d.%d.%d.%d", b[12], b[13], b[14], b[15])
			break
		}
		fmt.Fprintf(&sb, "%x", words[i])
	}
	if bestBase != -1 && bestBase+bestLen == 8 {
		sb.WriteByte(':')
	}
	return sb.String()
}

// SystemLookup resolves a host name with the system resolver for
// ResolveOptions.Lookup: it reports whether the name exists and its
// canonical name (CNAME target), without a trailing dot.
func SystemLookup(name string) (string, bool) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := net.DefaultResolver.LookupHost(ctx, name); err != nil {
		return "", false
	}
	cname, err := net.DefaultResolver.LookupCNAME(ctx, name)
	if err != nil {
		return "", true
	}
	return strings.TrimSuffix(cname, "."), true
}

const (
	canonNo     = 0
	canonYes    = 1
	canonAlways = 2
)

// lookup resolves a name through ResolveOptions.Lookup.
func (r *resolver) lookup(name string) (string, bool) {
	if r.opts.Lookup == nil {
		return "", false
	}
	return r.opts.Lookup(name)
}

// canonicalize is ssh's resolve_canonicalize. It returns the new host name
// and whether the name was found (ssh then has addresses for it).
func (r *resolver) canonicalize(host string, canon int, direct bool) (string, bool, error) {
	st := r.st
	if a, ok := canonicalAddr(host); ok {
		if !strings.EqualFold(a, host) {
			host = a
		}
		return host, true, nil
	}
	if isAddrFast(host) || canon == canonNo {
		return host, false, nil
	}
	if !direct && canon != canonAlways {
		return host, false, nil
	}
	if strings.HasSuffix(host, ".") {
		if cname, ok := r.lookup(host); ok {
			full := strings.TrimSuffix(host, ".")
			return r.followCNAME(direct, full, cname), true, nil
		}
	} else {
		ndots := strings.Count(host, ".")
		if ndots > st.num(idCanonMaxDots, 1) {
			return host, false, nil
		}
		var domains []string
		if it := st.get(idCanonDomains).it; it != nil {
			domains = it.ext.list
		}
		for _, d := range domains {
			full := host + "." + d + "."
			if cname, ok := r.lookup(full); ok {
				return r.followCNAME(direct, strings.TrimSuffix(full, "."), cname), true, nil
			}
		}
	}
	if st.num(idCanonFallback, 1) == 0 {
		return host, false, fatalf("could not resolve host %q", host)
	}
	return host, false, nil
}

// permittedCNAMEs returns the CanonicalizePermittedCNAMEs rules as
// source/target pattern lists.
func (st *state) permittedCNAMEs() [][2]string {
	it := st.get(idPermittedCNAMEs).it
	if it == nil {
		return nil
	}
	var out [][2]string
	for _, e := range it.ext.list {
		src, dst, _ := strings.Cut(e, ":")
		out = append(out, [2]string{src, dst})
	}
	return out
}

// hasPermittedCNAMEs is ssh's config_has_permitted_cnames.
func (st *state) hasPermittedCNAMEs() bool {
	rules := st.permittedCNAMEs()
	if len(rules) == 1 && strings.EqualFold(rules[0][0], "none") && rules[0][1] == "" {
		return false
	}
	return len(rules) > 0
}

// followCNAME is ssh's check_follow_cname.
func (r *resolver) followCNAME(direct bool, name, cname string) string {
	rules := r.st.permittedCNAMEs()
	canon := r.st.num(idCanonicalize, canonNo)
	if cname == "" || len(rules) == 0 || name == cname || canon == canonNo {
		return name
	}
	if !direct && canon != canonAlways {
		return name
	}
	for _, rule := range rules {
		if matchPatternListC(name, rule[0], true) != 1 || matchPatternListC(cname, rule[1], true) != 1 {
			continue
		}
		return cname
	}
	return name
}
