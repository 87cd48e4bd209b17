package ui

import (
	"context"
	"errors"
	"fmt"
	"image/color"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/sshdash/sshdash/keepalive"
	"github.com/sshdash/sshdash/session"
	"github.com/sshdash/sshdash/themes"
)

// checkFrame asserts that the view fills the screen exactly: h lines of w
// cells.
func checkFrame(t *testing.T, d *driver, w, h int) {
	t.Helper()
	lines := strings.Split(d.m.View().Content, "\n")
	if len(lines) != h {
		t.Fatalf("%d×%d: view has %d lines, want %d:\n%s", w, h, len(lines), h, d.screen())
	}
	for i, l := range lines {
		if got := ansi.StringWidth(l); got != w {
			t.Fatalf("%d×%d: line %d is %d cells wide, want %d: %q", w, h, i, got, w, ansi.Strip(l))
		}
	}
}

func TestViewSettings(t *testing.T) {
	d := newDriver(t, newDemoBackend(), 80, 24)
	v := d.m.View()
	if !v.AltScreen || v.MouseMode != tea.MouseModeCellMotion {
		t.Fatalf("view: AltScreen %v MouseMode %v; want alt screen and cell-motion mouse", v.AltScreen, v.MouseMode)
	}
}

func TestLayoutFillsScreenAtEverySize(t *testing.T) {
	d := newDriver(t, newDemoBackend(), 80, 24)
	for _, sz := range [][2]int{{80, 24}, {160, 48}, {100, 30}, {119, 40}, {120, 40}, {200, 60}, {60, 15}, {80, 24}} {
		d.send(tea.WindowSizeMsg{Width: sz[0], Height: sz[1]})
		checkFrame(t, d, sz[0], sz[1])
		d.keys("tab")
		checkFrame(t, d, sz[0], sz[1])
		d.keys("?")
		checkFrame(t, d, sz[0], sz[1])
		d.keys("esc", "tab")
	}
}

func TestNarrowStacksWideSideBySide(t *testing.T) {
	d := newDriver(t, newDemoBackend(), 80, 24)
	d.mustSee("Hosts 6", "db-primary", "via bastion")
	d.mustNotSee("RECENT") // sessions table hidden while hosts have focus
	d.keys("tab")
	d.mustSee("STATE", "RECENT", "#1 web1") // table and preview stacked
	d.mustNotSee("── ~/.ssh/config")

	d.send(tea.WindowSizeMsg{Width: 160, Height: 48})
	d.mustSee("── ~/.ssh/config", "STATE", "#1 web1", "deploy@web1:~$ uptime")
	row := lineWith(d.screen(), "── ~/.ssh/config ")
	if !strings.Contains(row, "STATE") {
		t.Fatalf("wide layout: hosts and sessions not side by side:\n%s", d.screen())
	}
}

func lineWith(screen, s string) string {
	for _, l := range strings.Split(screen, "\n") {
		if strings.Contains(l, s) {
			return l
		}
	}
	return ""
}

func TestHostsShowGroupsTargetsAndHeartbeat(t *testing.T) {
	d := newDriver(t, newDemoBackend(), 80, 24)
	d.mustSee("── ~/.ssh/config ", "── ~/.ssh/config.d/work", "── ~/.ssh/config.d/home",
		"postgres@10.0.4.12:2222", "via bastion", "probe 30s×4",
		"deploy@web1.example.com:22 · heartbeat probe 15s×3 (default) · reattach auto")
	d.keys("j", "j")
	d.mustSee("postgres@10.0.4.12:2222 via bastion · heartbeat probe 30s×4 (ssh_config) · re…")
	d.send(tea.WindowSizeMsg{Width: 100, Height: 24})
	d.mustSee("postgres@10.0.4.12:2222 via bastion · heartbeat probe 30s×4 (ssh_config) · reattach tmux")
}

func TestHostsFuzzyFilter(t *testing.T) {
	d := newDriver(t, newDemoBackend(), 80, 24)
	d.keys("/", "dbpr")
	d.mustSee("/ dbpr", "Hosts 1/6", "db-primary")
	d.mustNotSee("web1 ", "ops@bastion")
	if h, _ := d.m.hosts.current(); h.Alias != "db-primary" {
		t.Fatalf("cursor on %q, want db-primary", h.Alias)
	}
	// While typing, q and ? are text, not commands.
	d.keys("q?")
	if d.quit || d.m.helpOpen {
		t.Fatal("typing into the filter triggered a command")
	}
	d.mustSee(`No hosts match "dbprq?"`)
	d.keys("backspace", "backspace", "enter")
	if d.m.hosts.filtering {
		t.Fatal("enter did not leave the filter input")
	}
	d.mustSee("dbpr  1 match · esc clears")
	d.keys("esc")
	d.mustSee("Hosts 6", "web2")
	if h, _ := d.m.hosts.current(); h.Alias != "db-primary" {
		t.Fatalf("clearing the filter lost the cursor: on %q", h.Alias)
	}
}

func TestFuzzyRanksAliasPrefixFirst(t *testing.T) {
	d := newDriver(t, newDemoBackend(), 80, 24)
	d.keys("/", "b")
	var got []string
	for _, it := range d.m.hosts.items {
		got = append(got, d.m.hosts.hosts[it.idx].Alias)
	}
	if len(got) < 2 || (got[0] != "bastion" && got[0] != "build-box") {
		t.Fatalf("order %v: hosts starting with b should come first", got)
	}
}

func TestMultiSelectOpensInBackground(t *testing.T) {
	f := newFakeBackend(fixedClock())
	f.hosts = demoHosts()
	d := newDriver(t, f, 80, 24)
	d.keys("space", "space")
	d.mustSee("Hosts 6 · 2 selected", "✓ ")
	d.keys("o")
	opened, _, _, attached, _ := f.calls()
	if !slices.Equal(opened, []string{"web1&", "web2&"}) {
		t.Fatalf("opened %v, want web1 and web2 in the background", opened)
	}
	if len(attached) != 0 {
		t.Fatalf("background open attached %v", attached)
	}
	if len(d.m.snapshot) != 2 || d.m.focus != paneHosts {
		t.Fatalf("after o: %d sessions, focus %v", len(d.m.snapshot), d.m.focus)
	}
	d.mustSee("Sessions 2", "opened web2 in the background (#2)")
	d.mustNotSee("2 selected")
	checkFrame(t, d, 80, 24)
	d.keys("tab")
	checkFrame(t, d, 80, 24)
	d.send(tea.WindowSizeMsg{Width: 160, Height: 48})
	f.mu.Lock()
	for i := 0; i < 30; i++ {
		f.sessions = append(f.sessions, session.Status{ID: 100 + i, Alias: fmt.Sprint("extra", i), State: session.Up})
	}
	f.mu.Unlock()
	d.send(session.StateChanged{ID: 100, To: session.Up})
	checkFrame(t, d, 160, 48)
}

func TestEnterConnectsThenAttachesWhenUp(t *testing.T) {
	f := newFakeBackend(fixedClock())
	f.hosts = demoHosts()
	d := newDriver(t, f, 80, 24)
	d.keys("enter")
	opened, _, _, attached, _ := f.calls()
	if !slices.Equal(opened, []string{"web1"}) || len(attached) != 0 {
		t.Fatalf("opened %v attached %v; want web1 opened, not yet attached", opened, attached)
	}
	if d.m.focus != paneSessions {
		t.Fatal("focus did not move to the sessions")
	}
	d.mustSee("… connecting tcp", "connecting to web1; will attach when it is up")

	d.send(f.setState(1, session.NeedsYou, nil))
	p := session.NewPrompt(session.PromptPassword, "web1", "deploy@web1.example.com's password:")
	d.send(session.PromptRequested{ID: 1, Prompt: p})
	d.send(f.setState(1, session.Up, nil))
	if _, _, _, attached, _ = f.calls(); len(attached) != 0 {
		t.Fatal("attached while a prompt is showing")
	}
	d.keys("hunter2", "enter")
	if _, _, _, attached, _ = f.calls(); !slices.Equal(attached, []int{1}) {
		t.Fatalf("attached %v after the prompt was answered, want [1]", attached)
	}
	ans, err := p.Wait(context.Background())
	if err != nil || !slices.Equal(ans, []string{"hunter2"}) {
		t.Fatalf("prompt answer %v, %v", ans, err)
	}
	d.mustSee("detached from web1")
}

func TestPendingAttachCancelledByEscAndByFailure(t *testing.T) {
	f := newFakeBackend(fixedClock())
	f.hosts = demoHosts()
	d := newDriver(t, f, 80, 24)
	d.keys("enter", "esc")
	d.mustSee("won't attach to web1")
	d.send(f.setState(1, session.Up, nil))
	if _, _, _, attached, _ := f.calls(); len(attached) != 0 {
		t.Fatalf("attached %v after esc", attached)
	}

	d.keys("tab", "down", "enter") // back to hosts, web2
	d.send(f.setState(2, session.Failed, errors.New("authentication refused")))
	d.mustSee("web2 failed: authentication refused", "⚠ failed: authentication refused")
	d.send(f.setState(2, session.Up, nil)) // would never happen; must not attach anyway
	if _, _, _, attached, _ := f.calls(); len(attached) != 0 {
		t.Fatalf("attached %v after the session failed", attached)
	}
}

// Issue 13: Enter on a slow host arms an attach for when it is up; keys
// pressed in the dashboard meanwhile (g j j j j) are the user's for the
// dashboard: the first cancels the attach, the session stays open in the
// background and the status line says so; when it comes up nothing is
// attached, so no dashboard key can land in its shell. A click cancels
// too; answering the session's own prompt does not.
func TestAnyDashboardKeyCancelsPendingAttach(t *testing.T) {
	f := newFakeBackend(fixedClock())
	f.hosts = demoHosts()
	d := newDriver(t, f, 80, 24)
	d.keys("enter")
	d.mustSee("will attach when it is up")
	d.keys("g")
	d.mustSee("won't attach to web1; it stays open in the background")
	if d.m.hasPendingAttach {
		t.Fatal("the attach is still pending after a dashboard key")
	}
	d.keys("j", "j", "j", "j")
	d.send(f.setState(1, session.Up, nil))
	if _, _, _, attached, _ := f.calls(); len(attached) != 0 {
		t.Fatalf("attached %v although the user went on in the dashboard", attached)
	}

	// A click cancels too.
	d.keys("tab", "down", "enter") // hosts pane, web2
	if !d.m.hasPendingAttach {
		t.Fatal("no pending attach for web2")
	}
	d.send(tea.MouseClickMsg{X: 5, Y: 3, Button: tea.MouseLeft})
	d.mustSee("won't attach to web2")
	d.send(f.setState(2, session.Up, nil))
	if _, _, _, attached, _ := f.calls(); len(attached) != 0 {
		t.Fatalf("attached %v after a click", attached)
	}

	// Typing into the session's own prompt is not using the dashboard.
	d.keys("tab", "down", "down", "enter") // db-primary
	d.send(f.setState(3, session.NeedsYou, nil))
	p := session.NewPrompt(session.PromptPassword, "db-primary", "password:")
	d.send(session.PromptRequested{ID: 3, Prompt: p})
	d.keys("secret", "enter")
	d.send(f.setState(3, session.Up, nil))
	if _, _, _, attached, _ := f.calls(); !slices.Equal(attached, []int{3}) {
		t.Fatalf("attached %v, want [3] after its prompt was answered", attached)
	}
}

func TestEnterOnHostWithLiveSessionAttachesIt(t *testing.T) {
	d := newDriver(t, newDemoBackend(), 80, 24)
	d.keys("down", "enter") // web2 has session 3 (reconnecting): attachable
	f := d.m.backend.(*fakeBackend)
	opened, _, _, attached, _ := f.calls()
	if len(opened) != 0 || !slices.Equal(attached, []int{3}) {
		t.Fatalf("opened %v attached %v; want session 3 attached", opened, attached)
	}
}

func TestSessionKeys(t *testing.T) {
	f := newDemoBackend()
	d := newDriver(t, f, 80, 24)
	d.keys("tab", "r")
	if _, _, rec, _, _ := f.calls(); !slices.Equal(rec, []int{1}) {
		t.Fatalf("reconnected %v", rec)
	}
	d.mustSee("reconnecting web1 now")

	d.keys("x")
	d.mustSee("Close session #1 web1?")
	d.keys("n")
	d.mustNotSee("Close session")
	d.keys(".", "y")
	if _, closed, _, _, _ := f.calls(); !slices.Equal(closed, []int{1}) {
		t.Fatalf("closed %v", closed)
	}
	d.mustSee("closed web1")

	d.keys("down", "enter")
	if _, _, _, att, _ := f.calls(); !slices.Equal(att, []int{2}) {
		t.Fatalf("attached %v, want [2]", att)
	}
	d.keys("j", "j", "j", "j", "enter") // #6 failed: not attachable
	d.mustSee("pi is failed; press r to connect again")
}

func TestEventLogView(t *testing.T) {
	f := newDemoBackend()
	d := newDriver(t, f, 80, 24)
	d.keys("tab", "l")
	d.mustSee("Event log · web1", "reattached after 3.2 s (tmux)", "2026-03-14 08:24:53  connected")
	d.send(session.Logged{ID: 1, Entry: session.LogEntry{At: testT0, Text: "setting changed: heartbeat noop 30s"}})
	d.mustSee("2026-03-14 09:26:53  setting changed: heartbeat noop 30s")
	d.send(session.Logged{ID: 2, Entry: session.LogEntry{At: testT0, Text: "other session"}})
	d.mustNotSee("09:26:53  other session")
	d.keys("esc")
	d.mustSee("STATE", "RECENT")
}

func TestStateEventUpdatesRow(t *testing.T) {
	f := newDemoBackend()
	d := newDriver(t, f, 80, 24)
	d.keys("tab")
	if l := lineWith(d.screen(), "● up"); !strings.Contains(l, "web1") {
		t.Fatalf("row 1: %q", l)
	}
	d.send(f.setState(1, session.Dropped, errors.New("connection reset by peer")))
	d.mustSee("✕ dropped: connection re")
	f.update(1, func(s *session.Status) {
		s.State, s.Attempt, s.NextAttempt = session.Reconnecting, 2, testT0.Add(65*time.Second)
	})
	d.send(session.StateChanged{ID: 1, From: session.Dropped, To: session.Reconnecting})
	d.mustSee("↻ reconnecting #2 in 1m05s")
}

// Heartbeats neither redraw nor take a snapshot of all sessions: the
// next 1 s tick (which redraws anyway, for the uptimes) takes one snapshot
// for all of them. Output for a session that is not in the preview waits
// for the tick too.
func TestHeartbeatsAreCoalesced(t *testing.T) {
	f := newDemoBackend()
	d := newDriver(t, f, 80, 24)
	d.keys("tab")
	calls := f.sessionsCalls
	rev := d.m.rev
	f.update(1, func(s *session.Status) {
		s.Heartbeat.LastRTT = ms(87)
		s.RTTHistory = append(s.RTTHistory, ms(87))
	})
	var cmds int
	for i := 0; i < 100; i++ {
		_, cmd := d.m.Update(session.HeartbeatUpdate{ID: 1})
		if cmd != nil {
			cmds++
		}
		_, cmd = d.m.Update(session.OutputArrived{ID: 2}) // not the selected session
		if cmd != nil {
			cmds++
		}
	}
	if cmds != 0 {
		t.Fatalf("100 heartbeats and outputs of a session not shown scheduled %d commands, want none", cmds)
	}
	if d.m.rev != rev || f.sessionsCalls != calls {
		t.Fatalf("heartbeats caused a redraw (rev %d→%d) or snapshot (%d→%d) before the tick", rev, d.m.rev, calls, f.sessionsCalls)
	}
	d.mustNotSee("87ms")
	d.send(flushMsg{})
	if f.sessionsCalls != calls {
		t.Fatalf("a flush took %d snapshots of all sessions, want none", f.sessionsCalls-calls)
	}
	d.send(secondTickMsg{})
	if f.sessionsCalls != calls+1 {
		t.Fatalf("the tick took %d snapshots, want 1", f.sessionsCalls-calls)
	}
	d.mustSee("87ms")
	d.send(secondTickMsg{})
	if f.sessionsCalls != calls+1 {
		t.Fatalf("a tick with nothing new took %d snapshots, want none", f.sessionsCalls-calls-1)
	}
}

func TestTimersRunOnlyWhileNeeded(t *testing.T) {
	f := newFakeBackend(fixedClock())
	f.hosts = demoHosts()
	d := newDriver(t, f, 80, 24)
	if cmds := d.m.ensureTimers(); len(cmds) != 0 || d.m.ticking || d.m.spinning {
		t.Fatal("timers started with no sessions")
	}
	d.keys("o") // web1 in the background: connecting
	if !d.m.ticking || !d.m.spinning {
		t.Fatalf("ticking %v spinning %v while a session connects", d.m.ticking, d.m.spinning)
	}
	d.send(f.setState(1, session.Up, nil), flushMsg{}) // coming up shows at the flush
	d.send(spinTickMsg{})
	if d.m.spinning {
		t.Fatal("spinner still running with nothing in progress")
	}
	d.send(f.setState(1, session.Closed, nil))
	d.send(secondTickMsg{})
	if d.m.ticking {
		t.Fatal("1 s tick still running with no live session")
	}
}

func TestHostKeyPrompt(t *testing.T) {
	d := newDriver(t, newDemoBackend(), 80, 24)
	p1 := session.NewPrompt(session.PromptHostKey, "web1", "The authenticity of host web1 can't be established.")
	p1.KeyType, p1.Fingerprint = "ssh-ed25519", "SHA256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8"
	p2 := session.NewPrompt(session.PromptHostKey, "db-primary", "Unknown key.")
	p2.KeyType, p2.Fingerprint = "ecdsa-sha2-nistp256", "SHA256:AAAA"
	d.send(session.PromptRequested{ID: 7, Prompt: p1}, session.PromptRequested{ID: 2, Prompt: p2})
	d.mustSee("Unknown host key · web1 (1 of 2)", "ssh-ed25519", "SHA256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8", "[ Yes, trust ]")
	d.keys("enter") // the default button is No
	if ans, err := p1.Wait(context.Background()); err != nil || !slices.Equal(ans, []string{"no"}) {
		t.Fatalf("enter answered %v, %v; want no", ans, err)
	}
	d.mustSee("Unknown host key · db-primary", "ecdsa-sha2-nistp256")
	d.keys("y")
	if ans, _ := p2.Wait(context.Background()); !slices.Equal(ans, []string{"yes"}) {
		t.Fatalf("y answered %v", ans)
	}
	d.mustNotSee("Unknown host key")
}

func TestPromptCancelAndDropOnSessionEnd(t *testing.T) {
	f := newDemoBackend()
	d := newDriver(t, f, 80, 24)
	p := session.NewPrompt(session.PromptPassphrase, "web1", "Enter passphrase for ~/.ssh/id_ed25519")
	d.send(session.PromptRequested{ID: 7, Prompt: p})
	d.mustSee("Key passphrase · web1", "Passphrase:")
	d.keys("esc")
	if _, err := p.Wait(context.Background()); !errors.Is(err, session.ErrPromptCancelled) {
		t.Fatalf("esc: %v, want ErrPromptCancelled", err)
	}
	p2 := session.NewPrompt(session.PromptPassword, "web1", "password")
	d.send(session.PromptRequested{ID: 7, Prompt: p2})
	d.send(f.setState(7, session.Failed, errors.New("timed out")))
	if d.m.prompts.active() {
		t.Fatal("prompt of a failed session still shown")
	}
	if _, err := p2.Wait(context.Background()); !errors.Is(err, session.ErrPromptCancelled) {
		t.Fatalf("dropped prompt: %v", err)
	}
}

func TestSecretsAreMaskedAndNeverShown(t *testing.T) {
	d := newDriver(t, newDemoBackend(), 80, 24)
	p := session.NewPrompt(session.PromptKeyboardInteractive, "web1", "Two-factor login",
		session.Question{Text: "Password:", Echo: false}, session.Question{Text: "Verification code:", Echo: true})
	p.Instruction = "Answer both questions."
	d.send(session.PromptRequested{ID: 7, Prompt: p})
	d.keys("s3cr3t-pw")
	d.mustSee("Answer both questions.", "Password:")
	d.mustNotSee("s3cr3t", "••", "*****") // not even the length, as ssh
	d.keys("enter", "424242")
	d.mustSee("424242") // echoed question
	d.keys("enter")
	ans, err := p.Wait(context.Background())
	if err != nil || !slices.Equal(ans, []string{"s3cr3t-pw", "424242"}) {
		t.Fatalf("answers %v, %v", ans, err)
	}
	for _, msg := range d.seen {
		if strings.Contains(fmt.Sprintf("%v", msg), "s3cr3t") && !isKey(msg) {
			t.Fatalf("a message carries the secret: %#v", msg)
		}
	}
	d.mustNotSee("s3cr3t", "Two-factor")
	if len(d.m.prompts.inputs) != 0 {
		t.Fatal("inputs kept after answering")
	}
}

func isKey(msg tea.Msg) bool { _, ok := msg.(tea.KeyPressMsg); return ok }

func TestSettingsFormValidatesAndSaves(t *testing.T) {
	f := newDemoBackend()
	d := newDriver(t, f, 80, 24)
	d.keys("e")
	d.mustSee("Settings · web1", "[probe]", "Interval", "15s", "Save for hosts")
	d.keys("right") // noop
	d.mustSee("[noop]")
	d.keys("tab") // interval
	for range 3 {
		d.keys("backspace")
	}
	d.keys("abc", "ctrl+s")
	d.mustSee(`the interval "abc" is not a duration`)
	if _, _, _, _, saved := f.calls(); len(saved) != 0 {
		t.Fatal("saved an invalid form")
	}
	for range 3 {
		d.keys("backspace")
	}
	d.keys("20s", "tab", "backspace", "0", "ctrl+s")
	d.mustSee("the count must be a whole number from 1 to 100")
	d.keys("backspace", "5", "tab", "right", "ctrl+s") // reattach tmux
	_, _, _, _, saved := f.calls()
	want := savedSettings{"web1", HostSettings{Heartbeat: keepalive.Settings{Mode: keepalive.ModeNoop, Interval: 20 * time.Second, Count: 5}, Reattach: "tmux",
		Changed: FieldMode | FieldInterval | FieldCount | FieldReattach}}
	if len(saved) != 1 || !reflect.DeepEqual(saved[0], want) {
		t.Fatalf("saved %+v, want %+v", saved, want)
	}
	if d.m.settingsOpen {
		t.Fatal("form still open after saving")
	}
	d.mustSee("saved for web1: heartbeat mode noop, interval 20s, count 5, reattach tmux", "noop 20s×5")
}

func TestSettingsOffSkipsIntervalAndReportsSaveErrors(t *testing.T) {
	f := newDemoBackend()
	f.saveErr = errors.New("permission denied")
	d := newDriver(t, f, 80, 24)
	d.keys("tab", "e") // from the sessions pane: host of session 1
	d.mustSee("Settings · web1")
	d.keys("left") // off
	d.mustSee("[off]", "nothing at the SSH level")
	d.keys("tab")
	if d.m.settings.focus != fieldReattach {
		t.Fatalf("focus on field %d, want reattach (interval unused with off)", d.m.settings.focus)
	}
	d.keys("ctrl+s")
	d.mustSee("could not save: permission denied")
	if !d.m.settingsOpen {
		t.Fatal("form closed although saving failed")
	}
	d.keys("esc")
	if d.m.settingsOpen {
		t.Fatal("esc did not close the form")
	}
}

func TestHelpIsGeneratedFromKeyMap(t *testing.T) {
	km := DefaultKeyMap()
	km.Reconnect.SetKeys("R")
	km.Reconnect.SetHelp("R", "reconnect now")
	f := newDemoBackend()
	f.events = nil
	m := New(Options{Backend: f, KeyMap: km, Now: fixedClock(), Theme: themes.MustNew("dark", true, false)})
	d := &driver{t: t, m: m}
	d.stopTimers()
	d.send(tea.WindowSizeMsg{Width: 100, Height: 40})
	d.keys("?")
	d.mustSee("Keys", "reconnect now", "space mark", "ctrl+^ then:")
	if l := lineWith(d.screen(), "reconnect now"); !strings.Contains(l, " R ") {
		t.Fatalf("help line %q lacks the rebound key", l)
	}
	d.keys("?")
	d.mustNotSee("ctrl+^ then:")
	d.keys("tab", "r")
	if _, _, rec, _, _ := f.calls(); len(rec) != 0 {
		t.Fatal("the default key still works after rebinding")
	}
	d.keys("R")
	if _, _, rec, _, _ := f.calls(); len(rec) != 1 {
		t.Fatal("the rebound key does not work")
	}
	d.mustSee("R reconnect now") // the hint line
}

func TestEmptyState(t *testing.T) {
	d := newDriver(t, newFakeBackend(fixedClock()), 80, 24)
	d.mustSee("No hosts found.", "~/.ssh/config", "/etc/ssh/ssh_config", "sshdash demo")
	d.keys("enter", "space", "o", "e")
	if opened, _, _, _, _ := d.m.backend.(*fakeBackend).calls(); len(opened) != 0 {
		t.Fatal("opened something with no hosts")
	}
	d.keys("tab")
	d.mustSee("No sessions yet.")
}

func TestConfigErrors(t *testing.T) {
	f := newDemoBackend()
	f.errs = []string{"~/.ssh/config:12: unknown keyword \"Hostnme\"", "~/.ssh/config.d/work:3: Port: \"ssh\" is not a number"}
	d := newDriver(t, f, 80, 24)
	d.mustSee("⚠ 2 config problem(s) (!)")
	d.keys("!")
	d.mustSee("SSH configuration problems", `~/.ssh/config:12: unknown keyword "Hostnme"`, "work:3: Port")
	d.keys("esc")
	d.mustNotSee("SSH configuration problems")
}

func TestQuitWithoutSessionsIsImmediate(t *testing.T) {
	f := newFakeBackend(fixedClock())
	f.hosts = demoHosts()
	d := newDriver(t, f, 80, 24)
	d.keys("q")
	if !d.quit {
		t.Fatal("q did not quit")
	}
}

func TestQuitAsksAndClosesSessions(t *testing.T) {
	f := newDemoBackend()
	d := newDriver(t, f, 80, 24)
	d.keys("q")
	d.mustSee("Close 6 open sessions and quit?")
	d.keys("n")
	if d.quit {
		t.Fatal("quit after no")
	}
	d.keys("ctrl+c")
	d.mustSee("Close 6 open sessions and quit?")
	d.keys("ctrl+c") // twice: yes
	if !d.quit {
		t.Fatal("did not quit after confirming")
	}
	// All at once, in one CloseAll with a deadline; not one by one.
	_, closed, _, _, _ := f.calls()
	n, closedAll, due := f.quitCalls()
	slices.Sort(closedAll)
	if len(closed) != 0 || n != 1 || !slices.Equal(closedAll, []int{1, 2, 3, 4, 5, 7}) {
		t.Fatalf("closed one by one %v; CloseAll %d× closing %v; want one CloseAll of every open session", closed, n, closedAll)
	}
	if due <= 0 || due > quitDeadline {
		t.Fatalf("CloseAll's deadline is %v away, want within %v", due, quitDeadline)
	}
}

// Once quitting has started (q, y), input is ignored: a habitual Enter
// does not attach to a closing session, nor do other keys, clicks or
// pastes reach anything; ctrl+c leaves at once. Sessions whose servers do
// not answer hold quitting only until the deadline.
func TestInputIgnoredWhileQuitting(t *testing.T) {
	f := newDemoBackend()
	f.closeAllHang = true
	d := newDriver(t, f, 80, 24)
	d.keys("tab", "q")
	d.mustSee("Close 6 open sessions and quit?")
	d.keys("y")
	if !d.m.quitting || !d.quit {
		t.Fatalf("quitting %v, quit %v after y; want both (the hung close ends at its deadline)", d.m.quitting, d.quit)
	}
	d.quit = false
	before := d.screen()
	d.keys("enter", "j", "enter", "r", "x", ".", "y", "l", "tab", "enter", "q", "y")
	d.send(tea.PasteMsg{Content: "ls\r"})
	d.send(tea.MouseClickMsg{X: 10, Y: 5, Button: tea.MouseLeft})
	opened, closed, rec, attached, _ := f.calls()
	if len(opened)+len(closed)+len(rec)+len(attached) != 0 {
		t.Fatalf("input acted while quitting: opened %v closed %v reconnected %v attached %v", opened, closed, rec, attached)
	}
	if n, _, _ := f.quitCalls(); n != 1 {
		t.Fatalf("CloseAll called %d times, want once", n)
	}
	if d.quit {
		t.Fatal("a key other than ctrl+c quit")
	}
	if after := d.screen(); after != before {
		t.Fatalf("the screen changed on input while quitting:\nbefore\n%s\nafter\n%s", before, after)
	}
	d.keys("ctrl+c")
	if !d.quit {
		t.Fatal("ctrl+c while quitting did not leave at once")
	}
}

func TestInterruptAsksToo(t *testing.T) {
	d := newDriver(t, newDemoBackend(), 80, 24)
	d.send(tea.InterruptMsg{})
	d.mustSee("open sessions and quit?")
}

func TestMouseSelectsRowsAndTabs(t *testing.T) {
	d := newDriver(t, newDemoBackend(), 160, 48)
	// Sessions table: border at y=1, header y=2, rows from y=3.
	g := layout(160, 48, paneHosts, len(d.m.snapshot))
	d.send(tea.MouseClickMsg{X: g.sessions.x + 10, Y: g.sessions.y + 2 + 2, Button: tea.MouseLeft})
	if id, _ := d.m.sessions.selectedID(); id != 3 || d.m.focus != paneSessions {
		t.Fatalf("click selected session %d (focus %v), want 3", id, d.m.focus)
	}
	d.mustSee("#3 web2")
	// Hosts: heading at y=2, web1 y=3, web2 y=4, heading y=5, db-primary y=6.
	d.send(tea.MouseClickMsg{X: 5, Y: 6, Button: tea.MouseLeft})
	if h, _ := d.m.hosts.current(); h.Alias != "db-primary" || d.m.focus != paneHosts {
		t.Fatalf("click selected host %q (focus %v)", h.Alias, d.m.focus)
	}
	d.send(tea.MouseWheelMsg{X: 5, Y: 6, Button: tea.MouseWheelDown})
	if h, _ := d.m.hosts.current(); h.Alias != "bastion" {
		t.Fatalf("wheel moved to %q", h.Alias)
	}
	// Tabs: "sshdash  Hosts 6  Sessions 7".
	x := strings.Index(d.screen(), "Sessions 7")
	d.send(tea.MouseClickMsg{X: x + 1, Y: 0, Button: tea.MouseLeft})
	if d.m.focus != paneSessions {
		t.Fatal("clicking the Sessions tab did not focus it")
	}
}

func TestAttachResults(t *testing.T) {
	f := newDemoBackend()
	d := newDriver(t, f, 80, 24)
	var results []AttachResult
	f.attachResult = func(id int) AttachResult {
		if len(results) == 0 {
			return AttachResult{ID: id, Action: AttachDetached}
		}
		r := results[0]
		results = results[1:]
		r.ID = id
		return r
	}
	d.keys("tab")
	results = []AttachResult{{Action: AttachNext}, {Action: AttachNext}, {Action: AttachPrev}, {Action: AttachJump, Jump: 1}}
	d.keys("enter")
	// 1 → next attachable 2 → 3 → prev 2 → jump 1 → detached.
	if _, _, _, att, _ := f.calls(); !slices.Equal(att, []int{1, 2, 3, 2, 1}) {
		t.Fatalf("attached %v", att)
	}
	d.mustSee("detached from web1")

	results = []AttachResult{{Action: AttachClose}}
	d.keys("enter")
	if _, closed, _, _, _ := f.calls(); !slices.Equal(closed, []int{1}) {
		t.Fatalf("closed %v", closed)
	}
	results = []AttachResult{{Action: AttachJump, Jump: 9}}
	d.keys("j", "enter")
	d.mustSee("there is no session 9")
	results = []AttachResult{{Err: errors.New("not a terminal")}}
	d.keys("enter")
	d.mustSee("could not attach to db-primary: not a terminal")
	f.update(2, func(s *session.Status) { s.State, s.ExitStatus = session.Closed, 0 })
	results = []AttachResult{{Action: AttachEnded}}
	d.send(AttachResult{ID: 2, Action: AttachEnded})
	d.mustSee("db-primary: the remote shell exited (status 0)")
}

func TestOpenFailedIsReported(t *testing.T) {
	d := newDriver(t, newDemoBackend(), 80, 24)
	d.send(OpenFailed{Alias: "nosuch", Err: errors.New("no such host")})
	d.mustSee("⚠ could not open nosuch: no such host")
}

func TestAdaptiveThemeFollowsBackground(t *testing.T) {
	f := newDemoBackend()
	f.events = nil
	m := New(Options{Backend: f, ThemeName: "auto", Now: fixedClock()})
	if m.sh.theme.Palette != "dark" {
		t.Fatalf("auto starts as %q, want dark until the terminal answers", m.sh.theme.Palette)
	}
	m.Update(tea.BackgroundColorMsg{Color: color.White})
	if m.sh.theme.Palette != "light" || m.sh.st.Base.GetForeground() == nil {
		t.Fatalf("after a white background the palette is %q", m.sh.theme.Palette)
	}
	// A fixed theme does not change.
	m = New(Options{Backend: f, ThemeName: "nord", Now: fixedClock()})
	m.Update(tea.BackgroundColorMsg{Color: color.White})
	if m.sh.theme.Palette != "nord" {
		t.Fatal("a fixed theme changed with the background")
	}
}

func TestNoColorKeepsSelectionVisible(t *testing.T) {
	f := newDemoBackend()
	f.events = nil
	m := New(Options{Backend: f, ThemeName: "dracula", NoColor: true, Now: fixedClock()})
	d := &driver{t: t, m: m}
	d.stopTimers()
	d.send(tea.WindowSizeMsg{Width: 160, Height: 48})
	out := d.m.View().Content
	if hasColour(out) {
		t.Fatal("NO_COLOR view sets colours")
	}
	if !strings.Contains(out, ";7m") && !strings.Contains(out, "[7m") {
		t.Fatal("NO_COLOR view has no reverse video for the selection")
	}
	// Every state still has its word.
	for _, w := range []string{"● up", "◐ stale", "✕ dropped", "↻ reconnecting", "⚠ failed", "? needs you", "… connecting"} {
		d.mustSee(w)
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

func TestUnknownThemeFallsBack(t *testing.T) {
	m := New(Options{Backend: newDemoBackend(), ThemeName: "no-such-theme"})
	if m.sh.theme.Name != "auto" {
		t.Fatalf("theme %q", m.sh.theme.Name)
	}
}

func TestPreviewFollowsOutputAndSelection(t *testing.T) {
	f := newDemoBackend()
	d := newDriver(t, f, 80, 24)
	d.keys("tab")
	d.mustSee("#1 web1", "load average")
	f.mu.Lock()
	f.screens[1] = append(f.screens[1], "deploy@web1:~$ echo fresh-output")
	f.screens[2] = []string{"postgres=# select 1;"}
	f.mu.Unlock()
	d.send(session.OutputArrived{ID: 1})
	d.mustNotSee("fresh-output") // coalesced until the flush
	d.send(flushMsg{})
	d.mustSee("fresh-output")
	d.keys("j")
	d.mustSee("#2 db-primary", "postgres=# select 1;", "◐ stale")
}

func TestPasteGoesToTheFocusedInput(t *testing.T) {
	d := newDriver(t, newDemoBackend(), 80, 24)
	p := session.NewPrompt(session.PromptPassword, "web1", "password")
	d.send(session.PromptRequested{ID: 7, Prompt: p})
	d.send(tea.PasteMsg{Content: "pasted-secret"})
	d.mustNotSee("pasted-secret")
	d.keys("enter")
	if ans, _ := p.Wait(context.Background()); !slices.Equal(ans, []string{"pasted-secret"}) {
		t.Fatalf("answer %v", ans)
	}
	d.keys("/")
	d.send(tea.PasteMsg{Content: "bastion"})
	d.mustSee("Hosts 3/6", "/ bastion")
}

func TestTinyTerminalsDoNotPanic(t *testing.T) {
	d := newDriver(t, newDemoBackend(), 80, 24)
	for w := 1; w <= 130; w += 7 {
		for h := 1; h <= 30; h += 3 {
			d.send(tea.WindowSizeMsg{Width: w, Height: h})
			_ = d.m.render()
			d.keys("tab")
			_ = d.m.render()
			d.keys("?")
			_ = d.m.render()
			d.keys("esc")
		}
	}
}

// t opens the host for its tunnels only; the preview lists each forward
// with its state, and a forward that failed with its reason.
func TestTunnelOnlyOpenAndForwardsShown(t *testing.T) {
	f := newFakeBackend(fixedClock())
	f.hosts = demoHosts()
	d := newDriver(t, f, 160, 48)
	d.keys("t")
	opened, _, _, attached, _ := f.calls()
	if !slices.Equal(opened, []string{"web1(tunnels)"}) || len(attached) != 0 {
		t.Fatalf("opened %v attached %v, want web1 tunnels only, not attached", opened, attached)
	}
	d.mustSee("opened web1 in the background")
	id := d.m.snapshot[0].ID
	ev := f.setState(id, session.Up, nil)
	f.update(id, func(s *session.Status) {
		s.Tunnels = []session.TunnelStatus{
			{Spec: "L localhost:8080 → db:5432", Up: true},
			{Spec: "D localhost:1080", Error: errors.New("cannot listen on localhost:1080: address already in use")},
		}
	})
	d.send(ev, flushMsg{}) // coming up shows at the flush
	d.keys("tab")
	d.mustSee("tunnels only", "✓ L localhost:8080 → db:5432", "✕ D localhost:1080: cannot listen on localhost:1080: address already in use")
}
