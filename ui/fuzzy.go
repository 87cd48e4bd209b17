package ui

import (
	"unicode"
	"unicode/utf8"
)

// fuzzyMatch matches pattern against s as a case-insensitive subsequence
// (the way fzf and bubbles' list filter do) and scores the match: matches
// at the start of s or of a word, and runs of consecutive matches, score
// higher; gaps cost a little. pos are the rune indexes of s that matched.
func fuzzyMatch(pattern, s string) (score int, pos []int, ok bool) {
	if pattern == "" {
		return 0, nil, true
	}
	pr := []rune(pattern)
	pi := 0
	prev := -2
	ri := 0
	var last rune = ' '
	for _, r := range s {
		if pi < len(pr) && unicode.ToLower(r) == unicode.ToLower(pr[pi]) {
			score++
			switch {
			case ri == 0:
				score += 10
			case isSep(last):
				score += 8
			case unicode.IsUpper(r) && unicode.IsLower(last):
				score += 6
			}
			if prev == ri-1 {
				score += 5
			} else if prev >= 0 {
				score -= min(ri-prev-1, 3)
			}
			pos = append(pos, ri)
			prev = ri
			pi++
		}
		last = r
		ri++
	}
	if pi < len(pr) {
		return 0, nil, false
	}
	return score, pos, true
}

func isSep(r rune) bool {
	switch r {
	case ' ', '-', '_', '.', '@', ':', '/':
		return true
	}
	return false
}

// highlight styles the runes of s at positions pos (rune indexes) with on
// and the others with off. Consecutive runs share one styled segment.
func highlight(s string, pos []int, on, off func(string) string) string {
	if len(pos) == 0 {
		return off(s)
	}
	var out []byte
	set := make(map[int]bool, len(pos))
	for _, p := range pos {
		set[p] = true
	}
	start, ri := 0, 0
	cur := false
	flush := func(end int, matched bool) {
		if end > start {
			if matched {
				out = append(out, on(s[start:end])...)
			} else {
				out = append(out, off(s[start:end])...)
			}
		}
		start = end
	}
	for i := 0; i < len(s); {
		_, size := utf8.DecodeRuneInString(s[i:])
		m := set[ri]
		if m != cur {
			flush(i, cur)
			cur = m
		}
		i += size
		ri++
	}
	flush(len(s), cur)
	return string(out)
}
