package attach

import (
	"regexp"
	"strings"
	"testing"
)

// The prefix help's descriptions start in one column, the prefix's own
// line (a six-cell key name) included.
func TestHelpOverlayAligned(t *testing.T) {
	out := helpOverlay(80, 24, 0x1e) // ctrl+^
	cells := regexp.MustCompile(`\x1b\[[0-9;?]*[A-Za-z]`).Split(out, -1)
	n := 0
	for _, c := range cells {
		r := []rune(c)
		if !strings.HasPrefix(c, "   ") || len(r) < 11 || strings.TrimSpace(c) == "" || strings.Contains(c, "any key") || strings.Contains(c, "keys after") {
			continue
		}
		// "   KEY    description": a six-cell key field, then one space.
		n++
		if r[9] != ' ' || r[10] == ' ' {
			t.Errorf("line %q: the description does not start at column 10", c)
		}
	}
	if n < 8 || !strings.Contains(out, "ctrl+^ send ctrl+^ itself") {
		t.Fatalf("no key lines in %q", out)
	}
}
