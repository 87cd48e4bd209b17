package ui

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/sshdash/sshdash/session"
	"github.com/sshdash/sshdash/themes"
)

// detachedFake is a fakeBackend that also lists, resumes and closes
// detached sessions (ui.DetachedBackend), from lists the test sets.
type detachedFake struct {
	*fakeBackend
	dmu      sync.Mutex
	lists    map[string][]session.RemoteSession
	listErr  map[string]error
	closeErr error
	listed   []string // ListDetached calls, by alias
	resumed  []string // "alias/name"
	closedOn []string // "alias/name"
	news     []DetachedListed
}

func newDetachedFake() *detachedFake {
	f := newFakeBackend(fixedClock())
	f.hosts = demoHosts()
	return &detachedFake{fakeBackend: f, lists: map[string][]session.RemoteSession{}, listErr: map[string]error{}}
}

func (f *detachedFake) ListDetached(alias string) tea.Cmd {
	return func() tea.Msg {
		f.dmu.Lock()
		defer f.dmu.Unlock()
		f.listed = append(f.listed, alias)
		if err := f.listErr[alias]; err != nil {
			return DetachedListed{Alias: alias, Err: err}
		}
		return DetachedListed{Alias: alias, List: append([]session.RemoteSession(nil), f.lists[alias]...)}
	}
}

func (f *detachedFake) ResumeDetached(alias, name string) tea.Cmd {
	f.dmu.Lock()
	f.resumed = append(f.resumed, alias+"/"+name)
	f.dmu.Unlock()
	return f.open(alias, false, false)
}

func (f *detachedFake) CloseDetached(alias, name string) tea.Cmd {
	return func() tea.Msg {
		f.dmu.Lock()
		defer f.dmu.Unlock()
		if f.closeErr != nil {
			return DetachedClosed{Alias: alias, Name: name, Err: f.closeErr}
		}
		f.closedOn = append(f.closedOn, alias+"/"+name)
		l := f.lists[alias]
		for i, r := range l {
			if r.Name == name {
				f.lists[alias] = append(l[:i:i], l[i+1:]...)
				break
			}
		}
		return DetachedClosed{Alias: alias, Name: name}
	}
}

func (f *detachedFake) DetachedNews() <-chan struct{} { return nil }

func (f *detachedFake) TakeDetachedNews() []DetachedListed {
	f.dmu.Lock()
	defer f.dmu.Unlock()
	out := f.news
	f.news = nil
	return out
}

func (f *detachedFake) calledList() []string {
	f.dmu.Lock()
	defer f.dmu.Unlock()
	return append([]string(nil), f.listed...)
}

func newDetachedDriver(t *testing.T, f *detachedFake) *driver {
	t.Helper()
	f.events = nil
	m := New(Options{Backend: f, Theme: themes.MustNew("dark", true, false), Now: fixedClock()})
	d := &driver{t: t, m: m}
	d.stopTimers()
	d.send(tea.WindowSizeMsg{Width: 130, Height: 40})
	return d
}

// remote is a detached session made an hour ago, last used idle ago.
func remote(name, kind, cmd string, idle time.Duration) session.RemoteSession {
	return session.RemoteSession{Name: name, Kind: kind, Command: cmd,
		Created: testT0.Add(-time.Hour), LastAttached: testT0.Add(-idle), Idle: idle}
}

// R lists the host's detached sessions (the attached one left out), the
// row is marked, enter resumes one (a session opened with its name that
// attaches when up), x asks and then closes one on the server.
func TestDetachedListResumeClose(t *testing.T) {
	f := newDetachedFake()
	attached := remote("sd-cccccccccccc", "tmux", "top", 0)
	attached.Attached = true
	f.lists["web1"] = []session.RemoteSession{
		remote("sd-aaaaaaaaaaaa", "tmux", "vim", 5*time.Minute),
		remote("sd-bbbbbbbbbbbb", "screen", "", 3*time.Hour),
		attached,
	}
	f.lists["web1"][0].Client, f.lists["web1"][0].Mine = "me@laptop", true
	f.lists["web1"][1].Client = "ops@desk\x1b[31m" // another machine's; a hostile name is shown inert
	d := newDetachedDriver(t, f)
	d.mustNotSee("detached")
	d.keys("R")
	d.mustSee("Detached sessions on web1", "sd-aaaaaaaaaaaa", "vim", "5m00s ago", "sd-bbbbbbbbbbbb", "screen", "3h00m ago", "1h00m", "from ops@desk")
	d.mustNotSee("me@laptop")
	if strings.Contains(d.m.View().Content, "\x1b[31m") {
		t.Fatal("a name from the server reached the terminal as an escape sequence")
	}
	d.mustSee(`ops@desk\033[31m`)
	d.mustNotSee("sd-cccccccccccc")
	if got := f.calledList(); len(got) != 1 || got[0] != "web1" {
		t.Fatalf("ListDetached calls %v, want [web1]", got)
	}
	d.keys("esc")
	d.mustNotSee("Detached sessions on web1")
	d.mustSee("2 detached")

	// Close the second one: it asks first; n keeps it.
	d.keys("R", "down", "x")
	d.mustSee("Close sd-bbbbbbbbbbbb on web1?")
	d.keys("n")
	d.mustSee("Detached sessions on web1", "sd-bbbbbbbbbbbb")
	if len(f.closedOn) != 0 {
		t.Fatalf("closed %v after n", f.closedOn)
	}
	d.keys("x", "y")
	if len(f.closedOn) != 1 || f.closedOn[0] != "web1/sd-bbbbbbbbbbbb" {
		t.Fatalf("closed %v, want web1/sd-bbbbbbbbbbbb", f.closedOn)
	}
	d.mustSee("closed sd-bbbbbbbbbbbb on web1", "sd-aaaaaaaaaaaa")
	d.mustNotSee("sd-bbbbbbbbbbbb screen")

	// Resume the first: a session to web1 with its name, attached when up.
	d.keys("enter")
	if len(f.resumed) != 1 || f.resumed[0] != "web1/sd-aaaaaaaaaaaa" {
		t.Fatalf("resumed %v", f.resumed)
	}
	d.mustNotSee("Detached sessions on web1", "detached")
	if !d.m.hasPendingAttach {
		t.Fatal("the resumed session is not attached when it comes up")
	}
	d.mustSee("will attach when it is up")
}

// A host that cannot be reached shows why as a sentence in the list; r
// tries again, and a list that comes later replaces the error.
func TestDetachedHostDown(t *testing.T) {
	f := newDetachedFake()
	f.listErr["web1"] = errors.New("could not log in: connect to host web1.example.com port 22: Connection refused")
	d := newDetachedDriver(t, f)
	d.keys("R")
	d.mustSee("Could not list the sessions on web1:", "Connection refused", "r tries again")
	d.mustNotSee("panic", "goroutine")
	f.dmu.Lock()
	delete(f.listErr, "web1")
	f.dmu.Unlock()
	d.keys("r")
	d.mustSee("No detached sshdash sessions on web1.")
	if got := f.calledList(); len(got) != 2 {
		t.Fatalf("ListDetached calls %v, want 2", got)
	}
}

// A failed close keeps the session listed and says why.
func TestDetachedCloseFails(t *testing.T) {
	f := newDetachedFake()
	f.lists["web1"] = []session.RemoteSession{remote("sd-aaaaaaaaaaaa", "tmux", "bash", time.Minute)}
	f.closeErr = errors.New("sd-aaaaaaaaaaaa is in use now (an sshdash is attached to it); it was left running")
	d := newDetachedDriver(t, f)
	d.keys("R", "x", "y")
	d.mustSee("Could not close sd-aaaaaaaaaaaa", "in use now", "sd-aaaaaaaaaaaa")
	if !strings.Contains(d.m.status.text, "could not close sd-aaaaaaaaaaaa on web1") || d.m.status.kind != statusError {
		t.Fatalf("status %+v", d.m.status)
	}
	// An ended session cannot be resumed; enter says so and opens nothing.
	f.lists["web2"] = []session.RemoteSession{{Name: "sd-eeeeeeeeeeee", Kind: "tmux", Ended: true}}
	d.keys("esc", "down", "R", "enter")
	d.mustSee("(ended)", "has ended")
	if len(f.resumed) != 0 {
		t.Fatalf("resumed %v", f.resumed)
	}
}

// Moving the cursor over every host, waiting on each, fetches nothing
// and schedules nothing: lists come only from R (asked) and from news
// (sessions' own connections, the backend's fetch at start). A host known
// from news is not fetched again.
func TestDetachedFetchedOnlyWhenAsked(t *testing.T) {
	f := newDetachedFake()
	f.lists["web2"] = []session.RemoteSession{remote("sd-aaaaaaaaaaaa", "tmux", "vim", time.Minute)}
	d := newDetachedDriver(t, f)
	timers := d.timers
	for range 12 {
		d.keys("down")
	}
	d.keys("g", "G", "g")
	if got := f.calledList(); len(got) != 0 {
		t.Fatalf("moving the cursor fetched %v", got)
	}
	if d.timers != timers {
		t.Fatalf("moving the cursor scheduled %d timers", d.timers-timers)
	}
	d.mustNotSee("detached")
	d.keys("down", "R") // web2, asked
	if got := f.calledList(); len(got) != 1 || got[0] != "web2" {
		t.Fatalf("ListDetached calls %v, want [web2]", got)
	}
	d.keys("esc")
	d.mustSee("1 detached")
	// News from a session's first connection marks its host.
	f.dmu.Lock()
	f.news = append(f.news, DetachedListed{Alias: "pi", List: []session.RemoteSession{
		remote("sd-111111111111", "screen", "", time.Hour), remote("sd-222222222222", "screen", "", time.Hour)}})
	f.dmu.Unlock()
	d.send(detachedNewsMsg{})
	d.mustSee("2 detached")
	for range 8 {
		d.keys("down")
	}
	if got := f.calledList(); len(got) != 1 {
		t.Fatalf("news or the cursor made a fetch: %v", got)
	}
}

// Without the optional interface the key says so instead of failing.
func TestDetachedWithoutSupport(t *testing.T) {
	f := newFakeBackend(fixedClock())
	f.hosts = demoHosts()
	d := newDriver(t, f, 120, 40)
	d.keys("R")
	d.mustSee("cannot list the sessions left on servers")
}
