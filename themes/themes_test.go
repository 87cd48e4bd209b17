package themes

import (
	"reflect"
	"regexp"
	"strings"
	"testing"

	"charm.land/lipgloss/v2"
)

func TestNamesAllBuild(t *testing.T) {
	names := Names()
	if names[0] != "auto" {
		t.Fatalf("Names()[0] = %q, want auto", names[0])
	}
	for _, want := range []string{"dark", "light", "high-contrast", "catppuccin-mocha", "dracula", "nord"} {
		found := false
		for _, n := range names {
			found = found || n == want
		}
		if !found {
			t.Errorf("Names() lacks %q", want)
		}
	}
	for _, n := range names {
		for _, dark := range []bool{true, false} {
			th, err := New(n, dark, false)
			if err != nil {
				t.Fatalf("New(%q, %v): %v", n, dark, err)
			}
			if th.Name != n || th.Palette == "" {
				t.Errorf("New(%q): Name %q Palette %q", n, th.Name, th.Palette)
			}
			// Every palette colour is set, except the selection colours
			// of palettes that select with reverse video.
			p := reflect.ValueOf(th.Colors)
			for i := 0; i < p.NumField(); i++ {
				f := p.Type().Field(i).Name
				if p.Field(i).IsNil() && f != "SelBg" && f != "SelFg" {
					t.Errorf("%s: colour %s unset", n, f)
				}
			}
		}
	}
}

func TestUnknownName(t *testing.T) {
	_, err := New("solarized-purple", true, false)
	if err == nil || !strings.Contains(err.Error(), "dracula") {
		t.Fatalf("err = %v, want one listing the known themes", err)
	}
}

func TestAutoFollowsBackground(t *testing.T) {
	d := MustNew("auto", true, false)
	l := MustNew("auto", false, false)
	if d.Palette != "dark" || l.Palette != "light" || !d.Adaptive {
		t.Fatalf("auto: dark bg → %q, light bg → %q, adaptive %v", d.Palette, l.Palette, d.Adaptive)
	}
	if reflect.DeepEqual(d.Colors.Fg, l.Colors.Fg) {
		t.Fatal("auto uses the same foreground on dark and light backgrounds")
	}
	if MustNew("nord", false, false).Adaptive {
		t.Fatal("a fixed palette claims to be adaptive")
	}
	if a, b := MustNew("high-contrast", true, false), MustNew("high-contrast", false, false); reflect.DeepEqual(a.Colors.Warn, b.Colors.Warn) {
		t.Fatal("high-contrast uses bright yellow on light backgrounds")
	}
}

// TestNoColor: no colour in any style, but bold and reverse video remain so
// the selection and the headings are visible.
func TestNoColor(t *testing.T) {
	for _, n := range Names() {
		th := MustNew(n, true, true)
		s := reflect.ValueOf(th.Styles)
		for i := 0; i < s.NumField(); i++ {
			st := s.Field(i).Interface().(lipgloss.Style)
			out := st.Render("x")
			if hasColour(out) {
				t.Errorf("%s: NO_COLOR style %s renders colour: %q", n, s.Type().Field(i).Name, out)
			}
		}
		if !th.Styles.Selected.GetReverse() {
			t.Errorf("%s: NO_COLOR selection is not reverse video", n)
		}
		if !th.Styles.Header.GetBold() {
			t.Errorf("%s: NO_COLOR header is not bold", n)
		}
	}
}

func TestStylesDifferPerState(t *testing.T) {
	st := MustNew("dark", true, false).Styles
	seen := map[string]string{}
	for name, s := range map[string]lipgloss.Style{
		"up": st.StateUp, "stale": st.StateStale, "down": st.StateDown,
		"failed": st.StateFailed, "needs": st.StateNeedsYou, "busy": st.StateBusy,
	} {
		out := s.Render("x")
		if !strings.Contains(out, "\x1b[") {
			t.Errorf("state %s has no style", name)
		}
		seen[name] = out
	}
	if seen["up"] == seen["down"] || seen["up"] == seen["needs"] {
		t.Fatal("up looks like dropped or needs-you")
	}
}

var sgr = regexp.MustCompile(`\x1b\[([0-9;:]*)m`)

// hasColour reports whether s sets a foreground or background colour.
func hasColour(s string) bool {
	for _, m := range sgr.FindAllStringSubmatch(s, -1) {
		for _, p := range strings.FieldsFunc(m[1], func(r rune) bool { return r == ';' || r == ':' }) {
			switch {
			case len(p) == 2 && (p[0] == '3' || p[0] == '4' || p[0] == '9') && p[1] >= '0' && p[1] <= '8':
				return true
			case len(p) == 3 && strings.HasPrefix(p, "10"):
				return true
			}
		}
	}
	return false
}
