package main

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/creack/pty"

	"github.com/sshdash/sshdash/internal/benchssh"
)

// latencySamples is how many keys each latency figure times.
const latencySamples = 250

// sleepBetweenKeys waits 10–35 ms, at random, before the next key. A
// fixed pause locks the keys' phase to the renderer's frame ticks: with
// 15 ms after each frame and ticks every 16.7 ms (60 fps) every key
// arrived just after a tick and waited a whole frame (p50 17.4 ms); at
// 120 fps the same pause made every key wait most of one 8.3 ms frame. A
// person's keys come at any point of a frame.
func sleepBetweenKeys() {
	time.Sleep(10*time.Millisecond + rand.N(25*time.Millisecond))
}

// keyToScreen presses ↓ (↑ at the last host) in the hosts pane and times
// each from the write to the PTY until the frame showing the moved cursor
// arrived.
func (d *dashBench) keyToScreen(t *dashTerm) []time.Duration {
	out := make([]time.Duration, 0, latencySamples)
	last := fmt.Sprintf("b%04d", d.n)
	down := true
	for range latencySamples {
		prev := hostCursor(t.lines())
		if prev == "" {
			t.fail("no host cursor on the screen")
		}
		switch prev {
		case last:
			down = false
		case "b0001":
			down = true
		}
		w := t.arm(&termWaiter{scr: func(l []string) bool { c := hostCursor(l); return c != "" && c != prev }})
		key := "\x1b[B"
		if !down {
			key = "\x1b[A"
		}
		t0 := time.Now()
		t.send(key)
		out = append(out, t.wait(w, "the cursor moved", 10*time.Second).Sub(t0))
		sleepBetweenKeys()
	}
	return out
}

// attach presses enter on the host under the cursor (which has a live
// session) and waits for its shell's prompt.
func (d *dashBench) attach(t *dashTerm) string {
	alias := hostCursor(t.lines())
	t.send("\r")
	t.waitScreen("the attached shell's prompt", 30*time.Second, func(l []string) bool {
		if hostCursor(l) != "" {
			return false
		}
		for _, s := range l {
			if strings.HasPrefix(s, "$ ") || strings.TrimSpace(s) == "$" {
				return true
			}
		}
		return false
	})
	return alias
}

// detach leaves the attached session (prefix ctrl+^, d) and waits for the
// dashboard.
func (d *dashBench) detach(t *dashTerm) {
	t.send("\x1e")
	time.Sleep(50 * time.Millisecond)
	t.send("d")
	t.waitScreen("the dashboard after detaching", 30*time.Second, func(l []string) bool { return hostCursor(l) != "" })
}

// keyToEcho types letters into the attached shell and times each from the
// write until its echo arrived; the line is killed (ctrl+u) every 20.
func (d *dashBench) keyToEcho(t *dashTerm) []time.Duration {
	out := make([]time.Duration, 0, latencySamples)
	for i := range latencySamples {
		if i > 0 && i%20 == 0 {
			t.send("\x15")
			time.Sleep(100 * time.Millisecond)
		}
		c := byte('a' + i%26)
		w := t.arm(&termWaiter{raw: func(chunk []byte) bool { return bytes.IndexByte(chunk, c) >= 0 }})
		t0 := time.Now()
		t.send(string(c))
		out = append(out, t.wait(w, "the echo of a key", 10*time.Second).Sub(t0))
		sleepBetweenKeys()
	}
	t.send("\x15")
	time.Sleep(100 * time.Millisecond)
	return out
}

// latency prints key-to-screen in the dashboard and key-to-echo attached
// to one session.
func (d *dashBench) latency(t *dashTerm, label string) {
	ks := d.keyToScreen(t)
	alias := d.attach(t)
	ke := d.keyToEcho(t)
	d.detach(t)
	p50, p99 := latencies(ks)
	e50, e99 := latencies(ke)
	d.b.Logf("latency at %d sessions (%s), %d samples each:\n"+
		"    dashboard key-to-screen (↓ to the frame with the moved cursor): p50 %s, p99 %s, max %s\n"+
		"    attached to %s, key-to-echo: p50 %s, p99 %s, max %s",
		d.n, label, latencySamples, msf(p50), msf(p99), msf(slices.Max(ks)), alias, msf(e50), msf(e99), msf(slices.Max(ke)))
	d.metric(float64(p50.Microseconds())/1000, "key-to-screen-p50-ms")
	d.metric(float64(p99.Microseconds())/1000, "key-to-screen-p99-ms")
}

var (
	rttRe  = regexp.MustCompile(`\s(\d+)(µs|ms)\s`)
	sizeRe = regexp.MustCompile(` in (\d+(?:\.\d)?)([BKMGT]) out `)
)

// shownRTTs reads the RTT column of the sessions pane's rows, except the
// row of skip.
func shownRTTs(lines []string, skip string) []time.Duration {
	var out []time.Duration
	for _, l := range lines {
		if !strings.Contains(l, " up ") && !strings.Contains(l, " stale ") || strings.Contains(l, " "+skip+" ") {
			continue
		}
		// The sessions pane is the right column: look after the hosts pane.
		if i := strings.LastIndex(l, "│▸"); i >= 0 {
			l = l[i:]
		}
		for _, m := range rttRe.FindAllStringSubmatch(l, -1) {
			v, _ := strconv.Atoi(m[1])
			u := time.Millisecond
			if m[2] == "µs" {
				u = time.Microsecond
			}
			out = append(out, time.Duration(v)*u)
		}
	}
	return out
}

// bytesIn reads the bytes received that the preview's header shows for
// alias (the preview follows the selected session; the figure is from the
// last 1 s tick).
func bytesIn(lines []string, alias string) float64 {
	shown := false
	for _, l := range lines {
		if strings.Contains(l, " "+alias+" · ") {
			shown = true
		}
		if !shown {
			continue
		}
		if m := sizeRe.FindStringSubmatch(l); m != nil {
			v, _ := strconv.ParseFloat(m[1], 64)
			return v * float64(int64(1)<<(10*strings.Index("BKMGT", m[2])))
		}
	}
	return -1
}

// heavy starts "cat /dev/urandom | base64" in the session under the
// cursor, detaches, and measures the dashboard beside it.
func (d *dashBench) heavy(t *dashTerm, child int) {
	b := d.b
	heavyAlias := d.attach(t)
	t.send("cat /dev/urandom | base64\r")
	time.Sleep(time.Second)
	d.detach(t)
	t.send("\x1b[B") // the hosts cursor off the heavy host; the preview stays on it
	time.Sleep(time.Second)
	if bytesIn(t.lines(), heavyAlias) < 0 {
		t.fail("the preview does not show %s's bytes", heavyAlias)
	}

	// The stream's cost: the child's CPU over 10 s, and the bytes the
	// sessions pane counts for the heavy session.
	const window = 10 * time.Second
	profile := os.Getenv("SSHDASH_BENCH_CPUPROFILE") != "" && os.Getenv("SSHDASH_BENCH_ONLY_HEAVY") != ""
	if profile {
		syscall.Kill(child, syscall.SIGUSR1)
	}
	in0, c0 := bytesIn(t.lines(), heavyAlias), benchssh.ProcCPU(child)
	stop := watchStates(t)
	var rtts []time.Duration
	deadline := time.Now().Add(window)
	for time.Now().Before(deadline) {
		rtts = append(rtts, shownRTTs(t.lines(), heavyAlias)...)
		time.Sleep(500 * time.Millisecond)
	}
	cpu := benchssh.ProcCPU(child) - c0
	in1 := bytesIn(t.lines(), heavyAlias)
	if profile {
		syscall.Kill(child, syscall.SIGUSR2)
	}
	states := stop()
	mb := (in1 - in0) / (1 << 20)
	slices.Sort(rtts)
	r50, r99 := latencies(rtts)
	rmax := time.Duration(0)
	if len(rtts) > 0 {
		rmax = rtts[len(rtts)-1]
	}
	b.Logf("heavy output in %s (background, cat /dev/urandom | base64), 10 s:\n"+
		"    sshdash child CPU %.0f ms/s for %.1f MB/s as the preview's header counts it (%.1f ms CPU per MB; the header's figure has 2–3 digits and is up to 1 s old)\n"+
		"    RTTs shown for the other sessions (sessions pane, every 500 ms): p50 %s, p99 %s, max %s over %d readings\n"+
		"    tab bar: %s",
		heavyAlias, float64(cpu.Microseconds())/1000/window.Seconds(), mb/window.Seconds(), float64(cpu.Microseconds())/1000/max(mb, 0.001),
		msf(r50), msf(r99), msf(rmax), len(rtts), states)
	if d.idleMS > 0 {
		// The CPU above includes what the other sessions cost anyway
		// (their heartbeats, the 1 s tick); over the idle phase's
		// baseline it is what the stream itself costs.
		net := float64(cpu.Microseconds())/1000 - d.idleMS*window.Seconds()
		b.Logf("    over the idle baseline (%.1f ms/s): %.1f ms CPU per MB for the stream itself", d.idleMS, net/max(mb, 0.001))
	}

	d.latency(t, "one session streaming in the background")
	d.sshStream(window)
}

// sshStream runs OpenSSH's ssh with the same command in a PTY for window
// and prints its CPU and throughput.
func (d *dashBench) sshStream(window time.Duration) {
	b := d.b
	cmd := exec.Command("ssh", "-F", d.cfg, "b0002", "cat /dev/urandom | base64")
	f, err := pty.Start(cmd)
	if err != nil {
		b.Fatal(err)
	}
	var n atomic.Int64
	done := make(chan struct{})
	go func() {
		defer close(done)
		buf := make([]byte, 256<<10)
		for {
			k, err := f.Read(buf)
			n.Add(int64(k))
			if err != nil {
				return
			}
		}
	}()
	time.Sleep(2 * time.Second) // past the handshake
	n0, c0 := n.Load(), benchssh.ProcCPU(cmd.Process.Pid)
	time.Sleep(window)
	c1 := benchssh.ProcCPU(cmd.Process.Pid)
	n1 := n.Load()
	cmd.Process.Kill()
	err = cmd.Wait()
	f.Close()
	<-done
	mb := float64(n1-n0) / (1 << 20)
	cpu := c1 - c0
	b.Logf("OpenSSH ssh running the same command in a PTY (read and dropped), 10 s: CPU %.0f ms/s for %.1f MB/s (%.1f ms CPU per MB; ssh ended: %v)",
		float64(cpu.Microseconds())/1000/window.Seconds(), mb/window.Seconds(), float64(cpu.Microseconds())/1000/max(mb, 0.001), err)
}
