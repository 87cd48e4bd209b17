package session

import (
	"strconv"
	"strings"
	"testing"
	"time"
)

// The listing's parser against what tmux and screen print, including
// sessions of other clients, ended shells, foreign lines and a server
// clock 100 s ahead.
func TestParseRemoteList(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	rnow := now.Unix() + 100
	out := strings.Join([]string{
		"N|" + itoa(rnow),
		"T|sd-aaaaaaaaaaaa|" + itoa(rnow-1000) + "|0|web|me@laptop|" + itoa(rnow-900) + "|" + itoa(rnow-50) + "||vim",
		"T|sd-bbbbbbbbbbbb|" + itoa(rnow-500) + "|1|db|you@desk||||bash",
		"T|sd-cccccccccccc|" + itoa(rnow-8*86400) + "|0|||||x0|sh|with|bars",
		"T|not-ours|1|0||||||sh",
		"S|sshdash-sd-dddddddddddd|Detached",
		"S|something-else|Attached",
		"S|sshdash-foo|Detached|",              // a user's own screen session
		"S|sshdash-sd-0123456789ab|Detached|n", // named like sshdash's, not its wrapper
		"S|sshdash-sd-ABCDEFABCDEF|Detached|",  // not sshdash's name format
		"garbage\x1b[31m",
		"",
	}, "\n")
	list := parseRemoteList(out, now, "me@laptop")
	if len(list) != 4 {
		t.Fatalf("got %d sessions, want 4: %+v", len(list), list)
	}
	a := list[0]
	if a.Name != "sd-aaaaaaaaaaaa" || a.Alias != "web" || !a.Mine || a.Attached || a.Ended || a.Command != "vim" || !a.Resumable() {
		t.Errorf("first (most recent) session: %+v", a)
	}
	if a.Idle != 50*time.Second || !a.LastAttached.Equal(now.Add(-50*time.Second)) || !a.Created.Equal(now.Add(-900*time.Second)) {
		t.Errorf("times not in the local clock: idle %v last %v created %v", a.Idle, a.LastAttached, a.Created)
	}
	b := list[1]
	if b.Name != "sd-bbbbbbbbbbbb" || !b.Attached || b.Mine || b.Resumable() || b.Idle != 500*time.Second {
		t.Errorf("attached session of another client: %+v", b)
	}
	c := list[2]
	if !c.Ended || c.Command != "sh|with|bars" || c.Resumable() || c.Idle != 8*24*time.Hour || !expired(c, 7*24*time.Hour) || expired(c, 0) {
		t.Errorf("ended old session: %+v", c)
	}
	d := list[3]
	if d.Name != "sd-dddddddddddd" || d.Kind != "screen" || d.Attached || !d.LastAttached.IsZero() || expired(d, time.Nanosecond) {
		t.Errorf("screen session: %+v", d)
	}
	if expired(a, 7*24*time.Hour) || expired(b, time.Second) {
		t.Error("a recent or attached session counted as expired")
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// ownScreen: sshdash's name format, and the wrapper in the SCREEN
// process's command line where the list could read it (the real screen
// case is TestSSHDListSkipsStrayScreen).
func TestOwnScreen(t *testing.T) {
	for _, c := range []struct {
		name string
		w    []string
		want bool
	}{
		{"sshdash-sd-0123456789ab", []string{"y"}, true},
		{"sshdash-sd-0123456789ab", []string{""}, true}, // no /proc: the name decides
		{"sshdash-sd-0123456789ab", nil, true},
		{"sshdash-sd-0123456789ab", []string{"n"}, false},
		{"sshdash-foo", []string{"y"}, false},
		{"sshdash-sd-0123456789a", []string{"y"}, false},
		{"sshdash-sd-0123456789abc", []string{"y"}, false},
		{"sshdash-sd-0123456789aG", nil, false},
	} {
		if got := ownScreen(c.name, c.w); got != c.want {
			t.Errorf("ownScreen(%q, %q) = %v, want %v", c.name, c.w, got, c.want)
		}
	}
}
