// After a broadcast line: which receivers printed something other than
// the majority did (a command that failed on one of ten hosts).

package ui

import (
	"net"
	"sort"
	"strings"

	"github.com/sshdash/sshdash/session"
)

// outputTail is how many of the last non-empty output lines are compared.
const outputTail = 5

// needleRunes is how much of the line is looked for on the screen: its
// start, which stays on one row when the line wraps.
const needleRunes = 32

// hostPlaceholder stands for a session's own names in compared output.
const hostPlaceholder = "<host>"

// outputAfter is what a session's screen shows after the broadcast line:
// its last few non-empty lines below the last row where the line was
// echoed, without the prompt that follows the output, and with the
// session's own names (alias, host name) replaced, since prompts and
// messages name the host. When the line is not on the screen (a
// full-screen program, an empty line) the screen's last lines are used,
// less the last (the cursor's row).
func outputAfter(screen []string, line string, names []string) []string {
	rows := make([]string, len(screen))
	for i, r := range screen {
		rows[i] = strings.TrimRight(r, " \t")
	}
	for len(rows) > 0 && rows[len(rows)-1] == "" {
		rows = rows[:len(rows)-1]
	}
	needle := strings.TrimSpace(line)
	if r := []rune(needle); len(r) > needleRunes {
		needle = string(r[:needleRunes])
	}
	start, prompt := -1, ""
	if needle != "" {
		for i := len(rows) - 1; i >= 0; i-- {
			if j := strings.LastIndex(rows[i], needle); j >= 0 {
				start, prompt = i, strings.TrimSpace(rows[i][:j])
				break
			}
		}
	}
	out := rows
	if start >= 0 {
		out = rows[start+1:]
	}
	if n := len(out); n > 0 {
		last := strings.TrimSpace(out[n-1])
		if start < 0 || prompt != "" && strings.HasPrefix(last, prompt) {
			out = out[:n-1]
		}
	}
	var kept []string
	for _, r := range out {
		if r = strings.TrimSpace(r); r != "" {
			kept = append(kept, r)
		}
	}
	if len(kept) > outputTail {
		kept = kept[len(kept)-outputTail:]
	}
	for i := range kept {
		kept[i] = replaceNames(kept[i], names)
	}
	return kept
}

// replaceNames replaces each of names in s, ignoring case, longest first.
func replaceNames(s string, names []string) string {
	ns := append([]string(nil), names...)
	sort.Slice(ns, func(a, b int) bool { return len(ns[a]) > len(ns[b]) })
	for _, n := range ns {
		if len(n) < 2 {
			continue
		}
		ln := strings.ToLower(n)
		var b strings.Builder
		rest := s
		for {
			lower := strings.ToLower(rest)
			j := strings.Index(lower, ln)
			if j < 0 || len(lower) != len(rest) {
				b.WriteString(rest)
				break
			}
			b.WriteString(rest[:j])
			b.WriteString(hostPlaceholder)
			rest = rest[j+len(n):]
		}
		s = b.String()
	}
	return s
}

// hostNames are the names a session's output may carry for its host: the
// alias, the host name and its first label.
func hostNames(s session.Status) []string {
	names := []string{s.Alias}
	h := s.Target
	if i := strings.LastIndex(h, "@"); i >= 0 {
		h = h[i+1:]
	}
	if host, _, err := net.SplitHostPort(h); err == nil {
		h = host
	}
	if h != "" {
		names = append(names, h)
		if net.ParseIP(h) == nil {
			if i := strings.IndexByte(h, '.'); i > 0 {
				names = append(names, h[:i])
			}
		}
	}
	return names
}

// outliers are the sessions whose output differs from what more than half
// of them printed, in ID order. majority is false when outputs differ and
// no output is shared by more than half (nobody is marked then).
func outliers(outs map[int][]string) (odd []int, majority bool) {
	groups := map[string][]int{}
	for id, lines := range outs {
		k := strings.Join(lines, "\n")
		groups[k] = append(groups[k], id)
	}
	if len(groups) <= 1 {
		return nil, true
	}
	best, bestN := "", -1
	for k, ids := range groups {
		if len(ids) > bestN || len(ids) == bestN && k < best {
			best, bestN = k, len(ids)
		}
	}
	if 2*len(groups[best]) <= len(outs) {
		return nil, false
	}
	for k, ids := range groups {
		if k != best {
			odd = append(odd, ids...)
		}
	}
	sort.Ints(odd)
	return odd, true
}
