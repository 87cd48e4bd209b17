package config

import "strings"

// MatchPattern reports whether s matches the ssh_config(5) wildcard pattern
// pat, where '*' matches zero or more characters and '?' exactly one. The
// comparison is case-sensitive; callers lower-case host names first where
// OpenSSH does.
func MatchPattern(pat, s string) bool {
	// Iterative matcher with single-star backtracking, as OpenSSH's match_pattern.
	p, i := 0, 0
	star, mark := -1, 0
	for i < len(s) {
		switch {
		case p < len(pat) && (pat[p] == '?' || pat[p] == s[i]):
			p++
			i++
		case p < len(pat) && pat[p] == '*':
			star, mark = p, i
			p++
		case star >= 0:
			p = star + 1
			mark++
			i = mark
		default:
			return false
		}
	}
	for p < len(pat) && pat[p] == '*' {
		p++
	}
	return p == len(pat)
}

// MatchPatternList matches s against a list of patterns as ssh_config(5)
// does for Host and Match host: the result is true when at least one
// positive pattern matches and no negated pattern ("!pat") matches. The list
// may be given as separate elements or comma-separated within elements.
// Matching is case-insensitive, as OpenSSH's match_hostname.
func MatchPatternList(patterns []string, s string) bool {
	s = strings.ToLower(s)
	matched := false
	for _, elem := range patterns {
		for _, pat := range strings.Split(elem, ",") {
			if pat == "" {
				continue
			}
			neg := strings.HasPrefix(pat, "!")
			if neg {
				pat = pat[1:]
			}
			if MatchPattern(strings.ToLower(pat), s) {
				if neg {
					return false
				}
				matched = true
			}
		}
	}
	return matched
}

// IsConcreteAlias reports whether a Host pattern names one host: no
// wildcards and no negation. Only such aliases are listed as hosts.
func IsConcreteAlias(pat string) bool {
	return pat != "" && !strings.ContainsAny(pat, "*?!,")
}

// matchPatternListC is OpenSSH's match_pattern_list: it returns 1 when s
// matches a positive pattern of the comma-separated list pats and no
// negated one, -1 when a negated pattern matches and 0 otherwise. With
// dolower the patterns (not s) are lower-cased first. A sub-pattern of
// 1023 bytes or more never matches, as in OpenSSH.
func matchPatternListC(s, pats string, dolower bool) int {
	gotPositive := 0
	for i := 0; i < len(pats); {
		negated := false
		if pats[i] == '!' {
			negated = true
			i++
		}
		j := i
		for j < len(pats) && pats[j] != ',' {
			j++
		}
		sub := pats[i:j]
		if len(sub) >= 1023 {
			return 0
		}
		i = j
		if i < len(pats) {
			i++ // skip the comma
		}
		if dolower {
			sub = lowerASCII(sub)
		}
		if MatchPattern(sub, s) {
			if negated {
				return -1
			}
			gotPositive = 1
		}
	}
	return gotPositive
}

// matchHostname is OpenSSH's match_hostname: host (lower-cased) against a
// pattern list (lower-cased), as used by Match host and Match originalhost.
func matchHostname(host, pats string) bool {
	return matchPatternListC(lowerASCII(host), pats, true) == 1
}

// isLiteralPattern reports whether a Host pattern matches exactly one
// string (no wildcard, no negation).
func isLiteralPattern(p string) bool {
	return !strings.ContainsAny(p, "*?") && !strings.HasPrefix(p, "!")
}
