package watch

import (
	"bytes"
	"regexp"
	"regexp/syntax"
)

// matcher is a match watcher's regexp with a literal prefilter: Go's
// regexp reads a line at about 30 MB/s when the pattern has no literal
// prefix (ERROR|panic), while a line that contains none of the literals
// every match must contain can be ruled out with bytes.Contains, several
// GB/s. Lines that pass go to the regexp, so the result is the regexp's.
type matcher struct {
	re   *regexp.Regexp
	need [][]byte // a match contains at least one of these; nil: unknown
}

func newMatcher(re *regexp.Regexp) *matcher {
	m := &matcher{re: re}
	if re == nil {
		return m
	}
	if t, err := syntax.Parse(re.String(), syntax.Perl); err == nil {
		for _, s := range required(t.Simplify()) {
			m.need = append(m.need, []byte(s))
		}
	}
	return m
}

// match reports whether line matches.
func (m *matcher) match(line []byte) bool {
	if m.re == nil {
		return false
	}
	if m.need != nil {
		found := false
		for _, lit := range m.need {
			if bytes.Contains(line, lit) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return m.re.Match(line)
}

// required returns literals at least one of which occurs in every string
// re matches, or nil when it cannot tell (case folding, classes, an
// alternation with a branch that has none, anything that matches empty).
func required(re *syntax.Regexp) []string {
	switch re.Op {
	case syntax.OpLiteral:
		if re.Flags&syntax.FoldCase != 0 || len(re.Rune) == 0 {
			return nil
		}
		return []string{string(re.Rune)}
	case syntax.OpCapture, syntax.OpPlus:
		return required(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min >= 1 {
			return required(re.Sub[0])
		}
		return nil
	case syntax.OpConcat:
		// The subexpression whose shortest literal is longest rules out
		// the most lines.
		var best []string
		bestLen := 0
		for _, sub := range re.Sub {
			lits := required(sub)
			if lits == nil {
				continue
			}
			short := len(lits[0])
			for _, l := range lits {
				short = min(short, len(l))
			}
			if short > bestLen {
				best, bestLen = lits, short
			}
		}
		return best
	case syntax.OpAlternate:
		var all []string
		for _, sub := range re.Sub {
			lits := required(sub)
			if lits == nil {
				return nil
			}
			all = append(all, lits...)
		}
		return all
	}
	return nil
}
