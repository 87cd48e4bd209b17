package ui

import "testing"

// The quit question's third answer, l, quits without closing anything:
// the remote shells are left running to resume later, and LeftRunning
// tells the caller so.
func TestQuitLeaveRunningClosesNothing(t *testing.T) {
	f := newDemoBackend()
	d := newDriver(t, f, 120, 40)
	d.keys("q")
	d.mustSee("Close 6 open sessions and quit?")
	d.mustSee("Leave running")
	d.keys("l")
	if !d.quit || !d.m.LeftRunning() {
		t.Fatalf("quit %v, LeftRunning %v after l; want both", d.quit, d.m.LeftRunning())
	}
	_, closed, _, _, _ := f.calls()
	if n, all, _ := f.quitCalls(); n != 0 || len(all) != 0 || len(closed) != 0 {
		t.Fatalf("closed %v, CloseAll %d× (%v); want nothing closed", closed, n, all)
	}
	// Answering y instead still closes everything (TestQuitAsksAndClosesSessions).
	d2 := newDriver(t, newDemoBackend(), 120, 40)
	d2.keys("q", "y")
	if d2.m.LeftRunning() {
		t.Fatal("LeftRunning after y")
	}
}
