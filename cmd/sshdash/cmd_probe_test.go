package main

import (
	"context"
	"errors"
	"testing"
	"time"
)

// fakeRequester answers heartbeats per a script: "ok", "fail" (a failure
// reply still means alive), "hang" (never answers) or "closed".
type fakeRequester struct{ script []string }

func (f *fakeRequester) SendRequest(name string, want bool, _ []byte) (bool, []byte, error) {
	step := f.script[0]
	f.script = f.script[1:]
	switch step {
	case "ok":
		return true, nil, nil
	case "fail":
		return false, nil, nil
	case "hang":
		select {}
	}
	return false, nil, errors.New("EOF")
}

func TestProbeLoop(t *testing.T) {
	cases := []struct {
		script         []string
		sent, answered int
	}{
		{[]string{"ok", "fail", "ok"}, 3, 3},
		{[]string{"ok", "closed"}, 2, 1},
		{[]string{"hang"}, 1, 0},
	}
	for _, c := range cases {
		f := &fakeRequester{script: c.script}
		var reports int
		st := probeLoop(context.Background(), f, len(c.script), time.Millisecond, func(int, time.Duration, error) { reports++ })
		if st.sent != c.sent || st.answered != c.answered || reports != c.sent {
			t.Errorf("%v: sent %d answered %d reports %d, want %d %d %d", c.script, st.sent, st.answered, reports, c.sent, c.answered, c.sent)
		}
		if st.answered > 0 && (st.min() <= 0 || st.max() < st.min() || st.avg() < st.min()) {
			t.Errorf("%v: rtt figures min %v avg %v max %v", c.script, st.min(), st.avg(), st.max())
		}
	}
}

// The first reply (right after login) is left out of min/avg/max when
// there are others, and is all of them when it is alone.
func TestProbeStatsLeaveOutFirstReply(t *testing.T) {
	ms := time.Millisecond
	var st probeStats
	st.sent = 1
	st.add(300 * ms)
	if st.firstLeftOut() || st.min() != 300*ms || st.avg() != 300*ms || st.max() != 300*ms {
		t.Fatalf("one reply: min %v avg %v max %v", st.min(), st.avg(), st.max())
	}
	for _, r := range []time.Duration{20 * ms, 40 * ms, 30 * ms} {
		st.sent++
		st.add(r)
	}
	if !st.firstLeftOut() || st.min() != 20*ms || st.avg() != 30*ms || st.max() != 40*ms || st.answered != 4 {
		t.Fatalf("four replies: min %v avg %v max %v answered %d, want 20ms 30ms 40ms 4", st.min(), st.avg(), st.max(), st.answered)
	}
}
