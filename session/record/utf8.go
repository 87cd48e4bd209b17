package record

import "unicode/utf8"

// splitIncomplete returns p without an incomplete UTF-8 sequence at its
// end, and that sequence (at most 3 bytes), to be prepended to the next
// chunk. Invalid bytes are not held back: they are replaced when encoded.
func splitIncomplete(p []byte) (whole, tail []byte) {
	for i := 1; i <= 3 && i <= len(p); i++ {
		c := p[len(p)-i]
		if c < 0x80 {
			return p, nil // ASCII: nothing pending
		}
		if !utf8.RuneStart(c) {
			continue // a continuation byte: look further back
		}
		start := len(p) - i
		if utf8.FullRune(p[start:]) {
			return p, nil
		}
		return p[:start], p[start:]
	}
	return p, nil
}
