package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"time"

	"github.com/sshdash/sshdash/keepalive"
	"github.com/sshdash/sshdash/session"
)

const probeUsage = `usage: sshdash probe [-F FILE] HOST [-c N] [-i INTERVAL]

Connects to HOST by the same rules as a session, sends N heartbeats
(keepalive@openssh.com with want-reply) INTERVAL apart and prints each
round trip, like ping; then min/avg/max (without the first reply, which
may include the end of login, when there are others) and loss. Exits 0 when every
heartbeat was answered, 1 otherwise (255 when it could not connect).
`

func runProbe(args []string, e *env) int {
	fs := newFlagSet("probe", e)
	cfgFile := configFlag(fs)
	count := fs.IntP("count", "c", 5, "number of heartbeats")
	interval := fs.DurationP("interval", "i", time.Second, "time between heartbeats")
	fs.Usage = func() { fmt.Fprint(fs.Output(), probeUsage); fs.PrintDefaults() }
	pos, err := parseFlags(fs, args)
	if err != nil {
		return flagExit(err)
	}
	if len(pos) != 1 || *count < 1 || *interval <= 0 {
		fs.Usage()
		return 2
	}
	a, p, code := openPlan(e, *cfgFile, pos[0])
	if a == nil {
		return code
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	// The time spent answering prompts is not connect time. Ask runs on
	// the dial's goroutine, before Dial returns.
	var asking time.Duration
	hooks := session.DialHooks{Banner: func(b string) { printBanner(e.stderr, b) }}
	if in, _ := ttyFiles(e); in != nil {
		hooks.Ask = func(_ context.Context, pr *session.Prompt) ([]string, error) {
			t0 := time.Now()
			defer func() { asking += time.Since(t0) }()
			answerInTerminal(pr, e, in)
			return pr.Wait(ctx)
		}
	}
	start := time.Now()
	conn, err := a.opener.Dial(ctx, p, hooks, nil)
	if err != nil {
		fmt.Fprintf(e.stderr, "sshdash: %v\n", err)
		return 255
	}
	defer conn.Close()
	fmt.Fprintf(e.stdout, "PROBE %s (%s): connected in %s, %d heartbeats every %s\n",
		p.Alias, p.Target.String(), connectTime(time.Since(start), asking).Round(time.Millisecond), *count, *interval)
	st := probeLoop(ctx, conn.Client(), *count, *interval, func(seq int, rtt time.Duration, err error) {
		if err != nil {
			fmt.Fprintf(e.stdout, "heartbeat %d: %v\n", seq, err)
			return
		}
		fmt.Fprintf(e.stdout, "reply from %s: seq=%d time=%s\n", p.Alias, seq, fmtDuration(rtt))
	})
	fmt.Fprintf(e.stdout, "--- %s heartbeat statistics ---\n%d sent, %d answered, %.0f%% loss", p.Alias, st.sent, st.answered, st.loss()*100)
	if st.answered > 0 {
		fmt.Fprintf(e.stdout, ", rtt min/avg/max = %s/%s/%s", fmtDuration(st.min()), fmtDuration(st.avg()), fmtDuration(st.max()))
		if st.firstLeftOut() {
			fmt.Fprint(e.stdout, " (without the first reply, which may include the end of login)")
		}
	}
	fmt.Fprintf(e.stdout, ", %d B of SSH payload per exchange\n", keepalive.ExchangeBytes)
	if st.answered == st.sent {
		return 0
	}
	return 1
}

// connectTime is the time a connection took without the time the user
// spent answering its prompts.
func connectTime(total, asking time.Duration) time.Duration {
	return max(total-asking, 0)
}

// probeStats sums up a probe run. The first reply, sent right after login,
// may include the login's tail (the server still setting up the session),
// so min/avg/max come from the later replies when there are any.
type probeStats struct {
	sent, answered int
	first          time.Duration // the first reply's round trip
	lo, hi, sum    time.Duration // over the replies after the first
}

// add records one answered heartbeat.
func (s *probeStats) add(rtt time.Duration) {
	s.answered++
	if s.answered == 1 {
		s.first = rtt
		return
	}
	if s.answered == 2 || rtt < s.lo {
		s.lo = rtt
	}
	s.hi = max(s.hi, rtt)
	s.sum += rtt
}

// firstLeftOut reports whether min/avg/max leave the first reply out.
func (s probeStats) firstLeftOut() bool { return s.answered > 1 }

func (s probeStats) loss() float64 { return 1 - float64(s.answered)/float64(max(s.sent, 1)) }

func (s probeStats) min() time.Duration {
	if !s.firstLeftOut() {
		return s.first
	}
	return s.lo
}

func (s probeStats) max() time.Duration {
	if !s.firstLeftOut() {
		return s.first
	}
	return s.hi
}

func (s probeStats) avg() time.Duration {
	if !s.firstLeftOut() {
		return s.first
	}
	return s.sum / time.Duration(s.answered-1)
}

// requester is the part of *ssh.Client a probe uses.
type requester interface {
	SendRequest(name string, wantReply bool, payload []byte) (bool, []byte, error)
}

// probeLoop sends count heartbeats interval apart. A heartbeat unanswered
// within max(interval, 2 s) is lost; the connection is then closed by the
// caller, which unblocks it.
func probeLoop(ctx context.Context, c requester, count int, interval time.Duration, report func(seq int, rtt time.Duration, err error)) probeStats {
	var st probeStats
	timeout := max(interval, 2*time.Second)
	for seq := 1; seq <= count && ctx.Err() == nil; seq++ {
		if seq > 1 {
			select {
			case <-time.After(interval):
			case <-ctx.Done():
				return st
			}
		}
		st.sent++
		done := make(chan error, 1)
		t0 := time.Now()
		go func() {
			_, _, err := c.SendRequest(keepalive.RequestName, true, nil)
			done <- err
		}()
		select {
		case err := <-done:
			if err != nil {
				report(seq, 0, fmt.Errorf("connection lost: %w", err))
				return st
			}
			rtt := time.Since(t0)
			st.add(rtt)
			report(seq, rtt, nil)
		case <-time.After(timeout):
			report(seq, 0, fmt.Errorf("no reply within %s", timeout))
			return st // later requests would queue behind the lost one
		case <-ctx.Done():
			return st
		}
	}
	return st
}

func fmtDuration(d time.Duration) string {
	return fmt.Sprintf("%.3f ms", float64(d)/float64(time.Millisecond))
}
