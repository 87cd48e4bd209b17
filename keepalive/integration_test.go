package keepalive_test

import (
	"context"
	"testing"
	"time"

	"github.com/sshdash/sshdash/keepalive"
)

// These tests run the engine with the real clock against a real x/crypto
// SSH server on loopback. They assert on events and counters; the only
// durations are generous upper bounds.

func TestRealServerAnswers(t *testing.T) {
	for _, tc := range []struct {
		name string
		mode serverMode
	}{{"success", answerOK}, {"failure", answerFailure}} {
		t.Run(tc.name, func(t *testing.T) {
			srv := startServer(t, tc.mode)
			set := probe(50*time.Millisecond, 2)
			c := dial(t, srv, set)
			m := keepalive.NewMonitor(c, c.act, func(error) { c.Close() }, set, nil)
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)
			go func() { done <- m.Run(ctx) }()

			var st keepalive.Stats
			deadline := time.After(guard)
			for st.Answered < 3 {
				select {
				case st = <-m.Updates():
				case <-deadline:
					t.Fatalf("no 3 answers: %+v", m.Stats())
				}
				if st.Liveness == keepalive.Dead {
					t.Fatalf("declared dead: %+v", st)
				}
			}
			cancel()
			if err := <-done; err != nil {
				t.Fatalf("Run = %v", err)
			}
			if st.LastRTT <= 0 || st.MinRTT <= 0 || st.MaxRTT < st.MinRTT || st.SmoothedRTT <= 0 {
				t.Errorf("RTTs %+v", st)
			}
			if got := srv.requests.Load(); got < 3 {
				t.Errorf("server saw %d keepalives", got)
			}
			if st.LastContact.IsZero() || c.act.Bytes() == 0 {
				t.Errorf("no contact recorded")
			}
		})
	}
}

func TestRealServerSwallowsProbes(t *testing.T) {
	srv := startServer(t, swallow)
	set := probe(50*time.Millisecond, 2)
	c := dial(t, srv, set)
	killed := make(chan error, 1)
	m := keepalive.NewMonitor(c, c.act, func(err error) {
		killed <- err
		c.Close() // unblocks the SendRequest stuck waiting for a reply
	}, set, nil)
	done := make(chan error, 1)
	go func() { done <- m.Run(context.Background()) }()

	sawStale := false
	var err error
	timeout := time.After(guard)
loop:
	for {
		select {
		case st := <-m.Updates():
			sawStale = sawStale || st.Liveness == keepalive.Stale
		case err = <-done:
			break loop
		case <-timeout:
			t.Fatalf("not declared dead: %+v", m.Stats())
		}
	}
	d := asDead(t, err)
	if d.Misses != 2 {
		t.Errorf("misses %d, want 2", d.Misses)
	}
	if d.Silence < 150*time.Millisecond {
		t.Errorf("dead after only %v of silence (Interval × (Count+1) = 150ms)", d.Silence)
	}
	if got := <-killed; got != error(d) {
		t.Errorf("kill got %v", got)
	}
	if st := m.Stats(); st.Liveness != keepalive.Dead || st.Sent != 1 || st.Answered != 0 {
		t.Errorf("final stats %+v", st)
	}
	t.Logf("Stale seen on Updates before Dead: %v", sawStale)
	// Wait for the client to notice the close; goleak checks that the
	// goroutine that was stuck in SendRequest has ended.
	c.Wait()
}
