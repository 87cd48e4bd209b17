package session

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// VisBanner makes a server's banner safe to print on a terminal, as ssh
// does with strnvis(VIS_SAFE|VIS_OCTAL): tabs and newlines are kept (CRLF
// becomes a newline) and every other control character, C1 control or
// invalid byte is written as a backslash and three octal digits, so a
// banner cannot move the cursor, change colours or retitle the terminal.
func VisBanner(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == '\n' || r == '\t':
			b.WriteRune(r)
		case r == utf8.RuneError && n == 1,
			r < 0x20, r == 0x7f,
			r >= 0x80 && r < 0xa0:
			for _, c := range []byte(s[i : i+n]) {
				fmt.Fprintf(&b, "\\%03o", c)
			}
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}
