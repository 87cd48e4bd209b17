package ui

import (
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/sshdash/sshdash/keepalive"
	"github.com/sshdash/sshdash/session"
	"github.com/sshdash/sshdash/themes"
)

// bcBackend is the fake backend with broadcasting: SendIfUp honours the
// fake session's state as the real one does (only Up receives) and
// records what each session received and what was noted in its log.
type bcBackend struct {
	*fakeBackend
	bmu   sync.Mutex // guards got and notes
	got   map[int]string
	notes map[int][]string
}

func (b *bcBackend) SendIfUp(id int, p []byte) error {
	var st *session.Status
	b.fakeBackend.mu.Lock()
	for i := range b.sessions {
		if b.sessions[i].ID == id {
			s := b.sessions[i]
			st = &s
		}
	}
	b.fakeBackend.mu.Unlock()
	if st == nil {
		return ErrSessionGone
	}
	if st.State != session.Up {
		return &session.NotUpError{Alias: st.Alias, State: st.State}
	}
	b.bmu.Lock()
	b.got[id] += string(p)
	b.bmu.Unlock()
	return nil
}

func (b *bcBackend) ScreenText(id int) []string { return b.Screen(id, 200, 50) }

func (b *bcBackend) Note(id int, text string) {
	b.bmu.Lock()
	b.notes[id] = append(b.notes[id], text)
	b.bmu.Unlock()
}

func (b *bcBackend) received(id int) string {
	b.bmu.Lock()
	defer b.bmu.Unlock()
	return b.got[id]
}

func (b *bcBackend) noted(id int) []string {
	b.bmu.Lock()
	defer b.bmu.Unlock()
	return append([]string(nil), b.notes[id]...)
}

// newBroadcastFixture: four sessions, web1 and web2 up, web3 stale (all
// three tagged prod), db up (tagged db); a driver whose timers the test
// fires itself (fire).
func newBroadcastFixture(t *testing.T) (*driver, *bcBackend, *[]func(time.Time) tea.Msg) {
	t.Helper()
	f := newFakeBackend(fixedClock())
	hb := keepalive.Default()
	for _, h := range []struct {
		alias string
		tags  []string
	}{{"web1", []string{"prod"}}, {"web2", []string{"prod"}}, {"web3", []string{"prod"}}, {"db", []string{"db"}}} {
		f.hosts = append(f.hosts, Host{Alias: h.alias, User: "deploy", HostName: h.alias + ".example.com", Port: 22, Heartbeat: hb, Group: "~/.ssh/config", Tags: h.tags})
	}
	states := []session.State{session.Up, session.Up, session.Stale, session.Up}
	for i, h := range f.hosts {
		f.sessions = append(f.sessions, session.Status{ID: i + 1, Alias: h.Alias, Target: h.Target(), State: states[i], Since: testT0, Heartbeat: keepalive.Stats{Settings: hb}})
	}
	f.nextID = 5
	b := &bcBackend{fakeBackend: f, got: map[int]string{}, notes: map[int][]string{}}
	f.events = nil
	m := New(Options{Backend: b, Theme: themes.MustNew("dark", true, false), Now: fixedClock()})
	d := &driver{t: t, m: m}
	var fired []func(time.Time) tea.Msg
	d.m.sh.after = func(_ time.Duration, fn func(time.Time) tea.Msg) tea.Cmd {
		fired = append(fired, fn)
		return nil
	}
	d.send(tea.WindowSizeMsg{Width: 120, Height: 30})
	return d, b, &fired
}

// fireCompare sends the comparison the last send scheduled.
func fireCompare(t *testing.T, d *driver, fired *[]func(time.Time) tea.Msg) {
	t.Helper()
	for i := len(*fired) - 1; i >= 0; i-- {
		if msg := (*fired)[i](testT0); msg != nil {
			if _, ok := msg.(bcCompareMsg); ok {
				d.send(msg)
				return
			}
		}
	}
	t.Fatal("no comparison was scheduled")
}

// markAll focuses the sessions pane and marks the sessions of the hosts
// tagged tag (every session when tag is "").
func markAll(d *driver, tag string) {
	if tag != "" {
		d.keys("/", "#"+tag, "enter")
	}
	d.keys("tab", "*")
}

// Lines go to the marked sessions that are up; the stale one is named as
// skipped in the status line and its event log, and never gets the line,
// not even once it is up again.
func TestBroadcastLineSkipsSessionsNotUp(t *testing.T) {
	d, b, _ := newBroadcastFixture(t)
	markAll(d, "prod")
	d.mustSee("marked 3 session(s) tagged #prod", "✓ web1", "✓ web3")
	d.mustNotSee("✓ db")
	d.keys("b")
	d.mustSee("⇶ to 2 of 3 session(s): 1 skipped (stale)")
	d.keys("uptime", "enter")
	for id, want := range map[int]string{1: "uptime\r", 2: "uptime\r", 3: "", 4: ""} {
		if got := b.received(id); got != want {
			t.Errorf("session %d received %q, want %q", id, got, want)
		}
	}
	d.mustSee("sent to 2 of 3; skipped: web3 (stale)")
	if n := b.noted(3); len(n) != 1 || !strings.Contains(n[0], "not sent: the session was stale") {
		t.Errorf("web3's log got %q", n)
	}
	if n := b.noted(1); len(n) != 0 {
		t.Errorf("web1's log got %q, it received the line", n)
	}

	// web3 comes back: the next line reaches it, the first one never does.
	d.send(b.setState(3, session.Up, nil), flushMsg{}) // liveness is drawn at the next flush
	d.mustSee("⇶ to 3 of 3 session(s)")
	d.keys("id", "enter")
	if got := b.received(3); got != "id\r" {
		t.Fatalf("web3 received %q after coming back, want only the new line", got)
	}
	if got := b.received(1); got != "uptime\rid\r" {
		t.Fatalf("web1 received %q", got)
	}
	d.mustSee("sent to 3 session(s)")

	// A session that drops is skipped again, with its new state.
	d.send(b.setState(2, session.Reconnecting, nil))
	d.keys("date", "enter")
	d.mustSee("sent to 2 of 3; skipped: web2 (reconnecting)")
	d.keys("esc")
	d.mustNotSee("⇶")
	d.keys("date", "enter") // not the editor any more: dashboard keys
	if got := b.received(1); strings.Count(got, "date") != 1 {
		t.Fatalf("web1 received %q after the editor closed", got)
	}
}

// Up and down recall the lines sent, and the line being typed.
func TestBroadcastHistoryRecall(t *testing.T) {
	d, _, _ := newBroadcastFixture(t)
	markAll(d, "")
	d.keys("b", "one", "enter", "two", "enter", "thr")
	d.keys("up")
	if v := d.m.bc.input.Value(); v != "two" {
		t.Fatalf("up recalls %q, want two", v)
	}
	d.keys("up", "up")
	if v := d.m.bc.input.Value(); v != "one" {
		t.Fatalf("up up recalls %q, want one", v)
	}
	d.keys("down", "down")
	if v := d.m.bc.input.Value(); v != "thr" {
		t.Fatalf("down back to %q, want the draft thr", v)
	}
}

// Without marks, b and B say how to mark and open nothing.
func TestBroadcastNeedsMarks(t *testing.T) {
	d, b, _ := newBroadcastFixture(t)
	d.keys("tab", "b")
	d.mustSee("no session is marked")
	d.keys("x") // a dashboard key again: close asks
	d.mustSee("Close")
	d.keys("n")
	if got := b.received(1); got != "" {
		t.Fatalf("web1 received %q", got)
	}
	// space marks one (and moves down); space again on it unmarks.
	d.keys("space")
	d.mustSee("✓ web1")
	d.keys("up", "space")
	d.mustNotSee("✓ web1")
}

// Live mode: a banner names who receives; every key (ctrl+c and esc too)
// goes out as the terminal would send it, only to sessions up; ctrl+^
// ends it.
func TestBroadcastLiveBanner(t *testing.T) {
	d, b, _ := newBroadcastFixture(t)
	markAll(d, "")
	d.keys("B")
	d.mustSee("broadcasting to 3 of 4 session(s): 1 skipped (stale)", "ctrl+^ ends")
	d.mustNotSee("sshdash  Hosts") // the banner replaces the tab bar
	d.keys("ls", "enter", "up", "esc")
	d.send(tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl})
	want := "ls\r\x1b[A\x1b\x03"
	for _, id := range []int{1, 2, 4} {
		if got := b.received(id); got != want {
			t.Errorf("session %d received %q, want %q", id, got, want)
		}
	}
	if got := b.received(3); got != "" {
		t.Errorf("stale web3 received %q", got)
	}
	if d.quit || d.m.quitting {
		t.Fatal("ctrl+c in live mode quit the dashboard")
	}
	if n := b.noted(3); len(n) != 1 {
		t.Errorf("web3's log got %d notes for 6 skipped keys, want one: %q", len(n), n)
	}
	d.mustSee("keys reach 3 of 4; skipped: web3 (stale)")
	d.send(tea.KeyPressMsg{Code: '^', Mod: tea.ModCtrl})
	d.mustNotSee("broadcasting to")
	d.mustSee("live broadcast ended", "sshdash  Hosts")
	d.keys("l") // the dashboard's again: the event log opens
	if got := b.received(1); got != want {
		t.Fatalf("a key after the end went out: %q", got)
	}
}

// After a line, the receiver whose output differs from the majority's is
// marked until the next broadcast; the hosts' own names in prompts and
// output do not count as differences.
func TestBroadcastMarksOutliers(t *testing.T) {
	d, b, fired := newBroadcastFixture(t)
	d.send(b.setState(3, session.Up, nil))
	markAll(d, "")
	b.fakeBackend.mu.Lock()
	for id, name := range map[int]string{1: "web1", 2: "web2", 3: "web3", 4: "db"} {
		out := "config ok on " + name + ".example.com"
		if id == 2 {
			out = "error: missing /etc/app.conf"
		}
		b.screens[id] = []string{
			"deploy@" + name + ":~$ old command",
			"old output " + name,
			"deploy@" + name + ":~$ check-config",
			out,
			"deploy@" + name + ":~$",
			"",
		}
	}
	b.fakeBackend.mu.Unlock()
	d.keys("b", "check-config", "enter")
	fireCompare(t, d, fired)
	d.mustSee(outlierMark+" web2", "output differs from the others' on web2")
	d.mustNotSee(outlierMark + " web1")
	// The next broadcast clears the marks.
	d.keys("true", "enter")
	d.mustNotSee(outlierMark + " web2")
}

func TestOutputAfter(t *testing.T) {
	screen := []string{
		"user@web1:~$ ls",
		"a b",
		"user@web1:~$ cat /etc/hostname",
		"web1.example.com",
		"user@web1:~$ ",
		"",
	}
	got := outputAfter(screen, "cat /etc/hostname", []string{"web1", "web1.example.com"})
	if want := []string{"<host>"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("outputAfter = %q, want %q", got, want)
	}
	// Not on the screen: the last lines, less the cursor's row.
	got = outputAfter([]string{"x", "y", "prompt$"}, "gone", nil)
	if want := []string{"x", "y"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("fallback = %q, want %q", got, want)
	}
	// A command still running: its output so far, no prompt to drop.
	got = outputAfter([]string{"$ sleep 5; echo x", "partial"}, "sleep 5; echo x", nil)
	if want := []string{"partial"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("running = %q, want %q", got, want)
	}
	// Hostile input: huge lines and many rows stay bounded.
	big := make([]string, 5000)
	for i := range big {
		big[i] = strings.Repeat("z", 1000)
	}
	if got := outputAfter(big, strings.Repeat("q", 10000), []string{"z"}); len(got) > outputTail {
		t.Fatalf("%d lines kept, want at most %d", len(got), outputTail)
	}
}

func TestOutliers(t *testing.T) {
	same := []string{"ok"}
	odd, maj := outliers(map[int][]string{1: same, 2: same, 3: {"boom"}, 4: same})
	if !maj || !reflect.DeepEqual(odd, []int{3}) {
		t.Fatalf("outliers = %v %v, want [3] true", odd, maj)
	}
	odd, maj = outliers(map[int][]string{1: {"a"}, 2: {"b"}})
	if maj || odd != nil {
		t.Fatalf("two different: %v %v, want none and no majority", odd, maj)
	}
	odd, maj = outliers(map[int][]string{1: nil, 2: nil, 3: nil})
	if !maj || odd != nil {
		t.Fatalf("all empty: %v %v", odd, maj)
	}
	// Half is no majority.
	if odd, maj = outliers(map[int][]string{1: {"a"}, 2: {"a"}, 3: {"b"}, 4: {"c"}}); maj || odd != nil {
		t.Fatalf("2 of 4: %v %v", odd, maj)
	}
}

func TestKeyBytes(t *testing.T) {
	for _, c := range []struct {
		kp   tea.KeyPressMsg
		want string
	}{
		{tea.KeyPressMsg{Code: 'a', Text: "a"}, "a"},
		{tea.KeyPressMsg{Code: 'é', Text: "é"}, "é"},
		{tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl}, "\x03"},
		{tea.KeyPressMsg{Code: 'x', Text: "x", Mod: tea.ModAlt}, "\x1bx"},
		{tea.KeyPressMsg{Code: tea.KeyEnter}, "\r"},
		{tea.KeyPressMsg{Code: tea.KeyBackspace}, "\x7f"},
		{tea.KeyPressMsg{Code: tea.KeyTab, Mod: tea.ModShift}, "\x1b[Z"},
		{tea.KeyPressMsg{Code: tea.KeyLeft}, "\x1b[D"},
		{tea.KeyPressMsg{Code: tea.KeyF5}, "\x1b[15~"},
		{tea.KeyPressMsg{Code: tea.KeyF12}, "\x1b[24~"},
		{tea.KeyPressMsg{Code: tea.KeySpace, Text: " "}, " "},
		{tea.KeyPressMsg{Code: '[', Mod: tea.ModCtrl}, "\x1b"},
	} {
		if got := string(keyBytes(c.kp)); got != c.want {
			t.Errorf("%s: %q, want %q", c.kp, got, c.want)
		}
	}
	if b := keyBytes(tea.KeyPressMsg{Code: tea.KeyF30}); b != nil {
		t.Errorf("F30 encoded as %q; it has no encoding here", b)
	}
}

// A backend without Broadcaster cannot broadcast and says so.
func TestBroadcastUnavailable(t *testing.T) {
	d := newDriver(t, newDemoBackend(), 100, 30)
	d.keys("tab", "space", "b")
	d.mustSee("broadcast is not available")
	d.mustNotSee("⇶")
}

// One send at a time: a line typed while one is in flight waits in the
// dashboard and goes out after it, in order, to the sessions up when it
// goes out (web2 dropped meanwhile: it never gets the second line).
func TestBroadcastQueuesBehindSendInFlight(t *testing.T) {
	d, b, _ := newBroadcastFixture(t)
	markAll(d, "")
	d.keys("b")
	update := func(msg tea.Msg) tea.Cmd {
		_, cmd := d.m.Update(msg)
		return cmd
	}
	for _, kp := range keyMsgs("one") {
		update(kp)
	}
	first := update(tea.KeyPressMsg{Code: tea.KeyEnter})
	if first == nil {
		t.Fatal("enter started no send")
	}
	for _, kp := range keyMsgs("two") {
		update(kp)
	}
	if cmd := update(tea.KeyPressMsg{Code: tea.KeyEnter}); cmd != nil {
		if msgs := runCmd(cmd); len(msgs) > 0 {
			t.Fatalf("a second send started while the first was in flight: %v", msgs)
		}
	}
	if got := b.received(1); got != "" {
		t.Fatalf("web1 received %q before the first send ran", got)
	}
	sent := runCmd(first)                    // the first line goes out
	b.setState(2, session.Reconnecting, nil) // web2 drops; the model has not seen it
	d.send(sent...)
	if got := b.received(1); got != "one\rtwo\r" {
		t.Fatalf("web1 received %q, want both lines in order", got)
	}
	if got := b.received(2); got != "one\r" {
		t.Fatalf("web2 received %q, want only the line sent while it was up", got)
	}
	d.mustSee("sent to 2 of 4; skipped: web2 (reconnecting), web3 (stale)")
}

// blockingBroadcaster's SendIfUp to session 1 blocks until release.
type blockingBroadcaster struct {
	release chan struct{}
	mu      sync.Mutex // guards got
	got     []int
}

func (b *blockingBroadcaster) SendIfUp(id int, p []byte) error {
	if id == 1 {
		<-b.release
	}
	b.mu.Lock()
	b.got = append(b.got, id)
	b.mu.Unlock()
	return nil
}
func (b *blockingBroadcaster) ScreenText(int) []string { return nil }
func (b *blockingBroadcaster) Note(int, string)        {}

// A write that blocks (a transport that takes no bytes) does not hold the
// send past sendWait, and its session is skipped as busy until it returns,
// so that no later input overtakes it.
func TestSendAllDoesNotWaitForABlockedWrite(t *testing.T) {
	b := &blockingBroadcaster{release: make(chan struct{})}
	pw := &pendingWrites{ids: map[int]bool{}}
	targets := []bcTarget{{1, "stuck"}, {2, "fine"}}
	done := make(chan []bcResult, 1)
	go func() { done <- sendAll(b, pw, targets, []byte("x")) }()
	var res []bcResult
	select {
	case res = <-done:
	case <-time.After(sendWait + 10*time.Second):
		t.Fatal("sendAll waited for the blocked write")
	}
	if res[0].err != errWriteSlow || res[1].err != nil {
		t.Fatalf("results %+v, want stuck slow and fine sent", res)
	}
	res = sendAll(b, pw, targets, []byte("y"))
	if res[0].err != errWritePending || skipReason(res[0].err) != "busy" {
		t.Fatalf("second send to the stuck session: %v, want busy", res[0].err)
	}
	close(b.release)
	deadline := time.Now().Add(10 * time.Second)
	for !pw.start(1) {
		if time.Now().After(deadline) {
			t.Fatal("the released write never ended")
		}
		time.Sleep(time.Millisecond)
	}
	pw.end(1)
	if res = sendAll(b, pw, targets, []byte("z")); res[0].err != nil {
		t.Fatalf("after the write returned: %v", res[0].err)
	}
}

// Marked sessions closed meanwhile: the line goes nowhere, and says so.
func TestBroadcastMarkedSessionsGone(t *testing.T) {
	d, b, _ := newBroadcastFixture(t)
	d.keys("tab", "space", "b")
	b.fakeBackend.mu.Lock()
	b.sessions = b.sessions[1:] // web1 closed
	b.fakeBackend.mu.Unlock()
	d.m.refreshSessions()
	d.keys("uptime", "enter")
	d.mustSee("not sent: none of the marked sessions is open any more")
	if got := b.received(1); got != "" {
		t.Fatalf("the closed session received %q", got)
	}
}

// A session whose opening was asked for (enter) before broadcasting began
// opens in the background: it never takes the terminal mid-broadcast.
func TestBroadcastKeepsNewSessionInBackground(t *testing.T) {
	d, b, _ := newBroadcastFixture(t)
	markAll(d, "")
	d.keys("b")
	d.send(SessionOpened{ID: 1, Alias: "web1", Background: false}) // web1 is up
	if _, _, _, attached, _ := b.calls(); len(attached) > 0 || d.m.hasPendingAttach {
		t.Fatalf("a session opened while broadcasting attached (%v) or waits to", attached)
	}
	d.mustSee("⇶ to")
}
