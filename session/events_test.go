package session

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sshdash/sshdash/keepalive"
	"github.com/sshdash/sshdash/keepalive/clocktest"
)

// writeWhenUp types p into s, retrying while the link is down.
func writeWhenUp(t *testing.T, s *Session, p string) {
	t.Helper()
	for {
		if _, err := s.Write([]byte(p)); err == nil {
			return
		}
		select {
		case <-s.Done():
			t.Fatalf("%s ended before %q could be typed: %s", s.Alias(), p, s.Status().State)
		case <-time.After(5 * time.Millisecond):
		}
	}
}

// until polls ok every few milliseconds; the caller's watchdog bounds it.
func until(ok func() bool) {
	for !ok() {
		time.Sleep(5 * time.Millisecond)
	}
}

// Nobody reads the Manager's events for minutes of (fake) time while
// sessions print thousands of lines, beat, exit, drop and reconnect. No
// session waits for the consumer: each reaches its right state, readable
// in its snapshot at once and, when reading resumes, as the last state
// change delivered for it; and what waits for the consumer stays under a
// constant per session all along. (Before mailboxes, every session's
// serve loop stopped on a full 1024-event channel.)
func TestEventsNobodyReadsForMinutes(t *testing.T) {
	checkLeaks(t)
	defer stallWatchdog(t, "sessions living with nobody reading events", 150*time.Second)()
	f := newFixture(t)
	clk := clocktest.New(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	var step atomic.Int64 // fake time per real millisecond
	step.Store(int64(10 * time.Millisecond))
	quit, advDone := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(advDone)
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-quit:
				return
			case <-tick.C:
				clk.Advance(time.Duration(step.Load()))
			}
		}
	}()
	defer func() { close(quit); <-advDone }()

	m := NewManager(clk, nil)
	defer m.CloseAll(context.Background())
	const n = 8
	ss := make([]*Session, n)
	for i := range ss {
		o := f.options(ReattachNone)
		o.Alias = fmt.Sprintf("s%d", i)
		o.Heartbeat = keepalive.Settings{Mode: keepalive.ModeProbe, Interval: 5 * time.Second, Count: 3}
		ss[i] = m.Open(o)
	}

	var maxPending atomic.Int64
	sampleStop, sampleDone := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(sampleDone)
		for {
			for _, s := range ss {
				if p := int64(m.hub.pending(s.pub.box)); p > maxPending.Load() {
					maxPending.Store(p)
				}
			}
			select {
			case <-sampleStop:
				return
			case <-time.After(time.Millisecond):
			}
		}
	}()

	up := func(s *Session) bool { st := s.Status().State; return st == Up || st == Stale }
	for _, s := range ss {
		until(func() bool { return up(s) })
	}
	start := clk.Now()
	for i, s := range ss {
		writeWhenUp(t, s, fmt.Sprintf("for i in $(seq 1 2000); do echo line-%d-$i; done\r", i))
	}
	for i, s := range ss {
		screenHas(t, s, fmt.Sprintf("line-%d-2000", i))
	}
	// Half the sessions exit now; the others are dropped and come back.
	for i := 0; i < n; i += 2 {
		writeWhenUp(t, ss[i], fmt.Sprintf("exit %d\r", 10+i))
	}
	for i := 0; i < n; i += 2 {
		<-ss[i].Done()
	}
	f.cut.cut(false)
	for i := 1; i < n; i += 2 {
		s := ss[i]
		until(func() bool { return up(s) && strings.Contains(logText(s), "reconnected after") })
	}
	// Idle for minutes of fake time: heartbeats go on, nobody reads.
	step.Store(int64(50 * time.Millisecond))
	until(func() bool { return clk.Now().Sub(start) > 3*time.Minute })
	step.Store(int64(10 * time.Millisecond))
	for i := 1; i < n; i += 2 {
		writeWhenUp(t, ss[i], fmt.Sprintf("seq 1 500; exit %d\r", 10+i))
	}
	for _, s := range ss {
		<-s.Done()
	}
	close(sampleStop)
	<-sampleDone

	for i, s := range ss {
		if st := s.Status(); st.State != Closed || st.ExitStatus != 10+i {
			t.Errorf("%s: snapshot says %s with status %d, want closed with %d", s.Alias(), st.State, st.ExitStatus, 10+i)
		}
	}
	if p := maxPending.Load(); p > pendingBound {
		t.Errorf("a session held %d undelivered events, bound %d", p, pendingBound)
	}
	t.Logf("fake time passed: %s; most pending in one session: %d", clk.Now().Sub(start).Round(time.Second), maxPending.Load())

	// Reading resumes: every session's last state change is its end.
	last := map[int]StateChanged{}
	got := 0
	for {
		var ev Event
		select {
		case ev = <-m.Events():
		case <-time.After(300 * time.Millisecond):
		}
		if ev == nil {
			break
		}
		got++
		if sc, ok := ev.(StateChanged); ok {
			last[sc.ID] = sc
		}
	}
	if got > n*pendingBound+1 {
		t.Errorf("%d events waited for the reader, bound %d", got, n*pendingBound+1)
	}
	for _, s := range ss {
		if sc, ok := last[s.ID()]; !ok || sc.To != Closed {
			t.Errorf("%s: last state change delivered %+v, want one to closed", s.Alias(), sc)
		}
	}
}
