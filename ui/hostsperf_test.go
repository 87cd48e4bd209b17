package ui

import (
	"fmt"
	"runtime"
	"slices"
	"testing"
	"unicode/utf8"

	"github.com/sshdash/sshdash/keepalive"
)

// TestHostTargetWidth checks the width the hosts pane measures without
// building Target against Target itself.
func TestHostTargetWidth(t *testing.T) {
	for _, h := range []Host{
		{Alias: "a"},
		{Alias: "ålias", Port: 22},
		{Alias: "x", HostName: "例え.jp", User: "ユーザ", Port: 65535},
		{Alias: "x", HostName: "10.0.0.1", User: "u"},
		{Alias: "x", User: "u", Port: 2202},
		{Alias: "x", HostName: "h", Port: 7},
	} {
		if got, want := h.targetWidth(), utf8.RuneCountInString(h.Target()); got != want {
			t.Errorf("%+v: targetWidth %d, Target %q has %d runes", h, got, h.Target(), want)
		}
	}
}

// manyHosts is n hosts over ten groups, every third tagged.
func manyHosts(n int) []Host {
	hs := make([]Host, n)
	for i := range hs {
		hs[i] = Host{Alias: fmt.Sprintf("h%05d", i), User: "u", HostName: fmt.Sprintf("10.0.%d.%d", i/250, i%250),
			Port: 2000 + i%100, Heartbeat: keepalive.Default(), Group: fmt.Sprintf("~/.ssh/inc%d.conf", i%10)}
		if i%3 == 0 {
			hs[i].Tags = []string{"prod"}
		}
	}
	return hs
}

// TestHostsLinesFollowTheList checks the display lines the hosts pane
// keeps (computed when the list changes) against the lines computed
// afresh, and the cursor's line against a search of them, through
// filtering, grouping by tag and back, and cursor moves on 5,000 hosts.
func TestHostsLinesFollowTheList(t *testing.T) {
	f := newFakeBackend(fixedClock())
	f.hosts = manyHosts(5000)
	d := newDriver(t, f, 120, 40)
	check := func(step string) {
		t.Helper()
		hm := d.m.hosts
		idx, heads, itemLine := hm.computeLines()
		gi, gh := hm.lines()
		if !slices.Equal(gi, idx) || !slices.Equal(gh, heads) || !slices.Equal(hm.itemLine, itemLine) {
			t.Fatalf("%s: kept lines differ from the list's (%d/%d lines)", step, len(gi), len(idx))
		}
		want := 0
		for l, i := range idx {
			if i == hm.cursor {
				want = l
				break
			}
		}
		if got := hm.cursorLine(); got != want {
			t.Fatalf("%s: cursor line %d, want %d", step, got, want)
		}
	}
	check("start")
	d.keys("pgdown", "pgdown", "down")
	check("moved")
	d.keys("#")
	check("by tag")
	d.keys("/", "h01", "enter")
	check("filtered")
	d.keys("esc")
	check("filter cleared")
	d.keys("#", "up")
	check("by file again")
}

// TestHostsFrameCostIndependentOfHosts bounds what a frame of the
// dashboard allocates: with 20,000 hosts not much more than with 1,000
// (both show a screenful of the same shape), so a frame's work is the
// visible rows, not the whole list.
func TestHostsFrameCostIndependentOfHosts(t *testing.T) {
	perFrame := func(n int) (allocs, bytes float64) {
		f := newFakeBackend(fixedClock())
		f.hosts = manyHosts(n)
		d := newDriver(t, f, 120, 40)
		d.keys("down", "down")
		_ = d.m.render()
		const frames = 20
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		for range frames {
			_ = d.m.render()
		}
		runtime.ReadMemStats(&after)
		return float64(after.Mallocs-before.Mallocs) / frames, float64(after.TotalAlloc-before.TotalAlloc) / frames
	}
	fa, fb := perFrame(1000)
	ma, mb := perFrame(20000)
	t.Logf("per frame: 1,000 hosts %.0f allocations, %.0f bytes; 20,000 hosts %.0f allocations, %.0f bytes", fa, fb, ma, mb)
	if ma > fa*1.2+20 || mb > fb*1.2+16<<10 {
		t.Fatalf("a frame with 20,000 hosts costs %.0f allocations and %.0f bytes, with 1,000 %.0f and %.0f: it does work per host", ma, mb, fa, fb)
	}
}
