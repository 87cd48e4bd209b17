package session

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/sshdash/sshdash/internal/benchssh"
	"github.com/sshdash/sshdash/internal/sshdtest"
	"github.com/sshdash/sshdash/keepalive"
)

// BenchmarkManySessions opens N sessions (SSHDASH_BENCH_SESSIONS, default
// 1,000) to one real sshd from one Manager in this process — tunnel-only,
// no reattach, heartbeat every 5 s — and beside it N parallel OpenSSH
// "ssh -N -o ServerAliveInterval=5" processes to the same sshd. It prints:
// time until all are up, idle CPU per second (this whole test process for
// sshdash, the sum over the ssh processes for OpenSSH), memory per session
// and the time CloseAll takes. It also prints the heartbeat round trips the
// sessions measured while idle: on loopback they should stay far below the
// heartbeat interval, whatever N is.
//
//	SSHDASH_INTEGRATION=1 go test -run '^$' -bench ManySessions -benchtime 1x -timeout 30m ./session/
func BenchmarkManySessions(b *testing.B) {
	n := benchssh.Sessions()
	const idle = 20 * time.Second
	dir := b.TempDir()
	key := writeKey(b, dir, "id", "")
	srv := benchssh.StartSSHD(b, n, key.Pub)
	tg := testTarget(dir, srv.Port())
	tg.User = benchssh.User
	tg.IdentityFiles = []string{key.Path}
	// As ssh without ConnectTimeout: a thousand connects at once overflow
	// sshd's listen backlog, and a dropped SYN is retried after 1 s, 3 s, ...
	tg.ConnectTimeout = 2 * time.Minute
	hb := keepalive.Default()
	hb.Interval = 5 * time.Second
	opts := Options{
		Alias: "bench",
		Dial: func(ctx context.Context, h DialHooks) (*ssh.Client, func() error, error) {
			c, err := Dial(ctx, DialOptions{Target: tg, WrapConn: h.WrapConn})
			if err != nil {
				return nil, nil, err
			}
			return c.Client(), c.Close, nil
		},
		Heartbeat:  hb,
		Reattach:   ReattachNone,
		TunnelOnly: os.Getenv("SSHDASH_BENCH_SHELLS") == "",
		Cols:       80, Rows: 24,
	}
	if os.Getenv("SSHDASH_BENCH_NOALIGN") != "" { // heartbeats not aligned, to compare
		opts.heartbeatAlign = -1
	}
	if !opts.TunnelOnly { // shells, as the dashboard opens them
		opts.Cols, opts.Rows = 120, 40
	}
	// The host key is accepted once, before the timed run.
	{
		m := NewManager(nil, nil)
		ev := watch(m)
		m.Open(opts)
		waitAllUpN(b, m, time.Minute, srv)
		m.CloseAll(context.Background())
		ev.close()
	}
	for range b.N {
		runtime.GC()
		var m0, m1 runtime.MemStats
		runtime.ReadMemStats(&m0)
		rss0, g0 := vmRSS(os.Getpid()), runtime.NumGoroutine()
		m := NewManager(nil, nil)
		var staleShown atomic.Int64
		ev := drainEvents(m, &staleShown)
		t0 := time.Now()
		for range n {
			m.Open(opts)
		}
		waitAllUpN(b, m, 10*time.Minute, srv)
		allUp := time.Since(t0)
		time.Sleep(3 * time.Second)
		runtime.GC()
		runtime.ReadMemStats(&m1)
		rss1, g1 := vmRSS(os.Getpid()), runtime.NumGoroutine()
		pss1 := benchssh.PSSKiB(os.Getpid())
		dumpGoroutines(b)
		stopProfile := profileIdle(b)
		stale0 := staleShown.Load()
		c0 := cpuTime()
		time.Sleep(idle)
		cpu := cpuTime() - c0
		staleIdle := staleShown.Load() - stale0
		stopProfile()
		var rtts []time.Duration
		stale := 0
		for _, s := range m.Sessions() {
			st := s.Status()
			if st.State != Up {
				stale++
			}
			rtts = append(rtts, st.RTTHistory...)
		}
		slices.Sort(rtts)
		t1 := time.Now()
		m.CloseAll(context.Background())
		quit := time.Since(t1)
		ev.close()

		kind := "tunnel-only sessions"
		if !opts.TunnelOnly {
			kind = "shells (SSHDASH_BENCH_SHELLS)"
		}
		b.Logf("sshdash, %d %s in this process (one Manager, events drained, no UI):\n"+
			"    all up after %.2f s\n"+
			"    idle CPU %.2f ms per second for all (heartbeat 5 s, %s; heartbeats aligned: %v; load average %s)\n"+
			"    memory %.0f KiB RSS per session (RSS delta / N; process RSS %d KiB, PSS %d KiB), %.0f KiB Go heap in use per session, %.1f KiB of goroutine stacks, %.1f goroutines per session\n"+
			"    heartbeat RTT (send to the reply's arrival in the transport), recent samples: p50 %v, p99 %v, max %v over %d samples; shown Stale while idle: %d times; %d sessions not Up at the end\n"+
			"    CloseAll took %.2f s",
			n, kind, allUp.Seconds(), float64(cpu.Microseconds())/1000/idle.Seconds(), idle, opts.heartbeatAlign >= 0, loadAvg(),
			float64(rss1-rss0)/float64(n), rss1, pss1, float64(int64(m1.HeapInuse)-int64(m0.HeapInuse))/1024/float64(n), float64(int64(m1.StackInuse)-int64(m0.StackInuse))/1024/float64(n), float64(g1-g0)/float64(n),
			pct(rtts, 50), pct(rtts, 99), pct(rtts, 100), len(rtts), staleIdle, stale, quit.Seconds())
		b.ReportMetric(allUp.Seconds(), "sshdash-allup-s")
		b.ReportMetric(float64(cpu.Microseconds())/1000/idle.Seconds(), "sshdash-idle-cpu-ms/s")
		b.ReportMetric(float64(rss1-rss0)/float64(n), "sshdash-KiB/session")
		b.ReportMetric(quit.Seconds(), "sshdash-quit-s")
	}
	if os.Getenv("SSHDASH_BENCH_SKIP_OPENSSH") == "" {
		manyOpenSSH(b, n, idle, srv.Port(), key.Path, dir)
	}
}

// dumpGoroutines writes the goroutine profile (debug=1: one entry per
// stack, with its count) to the file named by SSHDASH_BENCH_GOROUTINES, if
// set, to see which goroutines each session keeps, and a heap profile to
// that name plus ".heap".
func dumpGoroutines(b *testing.B) {
	p := os.Getenv("SSHDASH_BENCH_GOROUTINES")
	if p == "" {
		return
	}
	f, err := os.Create(p)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	if err := pprof.Lookup("goroutine").WriteTo(f, 1); err != nil {
		b.Fatal(err)
	}
	h, err := os.Create(p + ".heap")
	if err != nil {
		b.Fatal(err)
	}
	defer h.Close()
	if err := pprof.Lookup("heap").WriteTo(h, 0); err != nil {
		b.Fatal(err)
	}
}

// loadAvg returns the first three fields of /proc/loadavg.
func loadAvg() string {
	b, _ := os.ReadFile("/proc/loadavg")
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}

func pct(d []time.Duration, p int) time.Duration {
	if len(d) == 0 {
		return 0
	}
	i := (len(d) - 1) * p / 100
	return d[i].Round(10 * time.Microsecond)
}

// manyOpenSSH starts n "ssh -N" processes in parallel and times until all
// have authenticated, then measures their idle CPU and memory.
func manyOpenSSH(b *testing.B, n int, idle time.Duration, port int, keyPath, dir string) {
	o := benchssh.StartOpenSSH(b, n, port, keyPath, dir)
	defer o.Close()
	time.Sleep(3 * time.Second)
	rss, pss := o.Memory()
	c0 := o.CPU()
	time.Sleep(idle)
	cpu := o.CPU() - c0
	b.Logf("OpenSSH, %d parallel ssh -N -o ServerAliveInterval=5 processes:\n"+
		"    all up after %.2f s (%d of them failed to connect)\n"+
		"    idle CPU %.2f ms per second for all (%s; /proc/PID/schedstat)\n"+
		"    memory %.0f KiB RSS per session (shared libraries counted in each), %.0f KiB PSS per session",
		n, o.AllUp.Seconds(), o.Failed, float64(cpu.Microseconds())/1000/idle.Seconds(), idle, float64(rss)/float64(n), float64(pss)/float64(n))
	b.ReportMetric(o.AllUp.Seconds(), "openssh-allup-s")
	b.ReportMetric(float64(cpu.Microseconds())/1000/idle.Seconds(), "openssh-idle-cpu-ms/s")
	b.ReportMetric(float64(pss)/float64(n), "openssh-PSS-KiB/session")
}

// drainEvents consumes a Manager's events, counting the sessions shown
// Stale, and keeps nothing else.
func drainEvents(m *Manager, stale *atomic.Int64) *events {
	e := &events{stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(e.done)
		for {
			select {
			case ev := <-m.Events():
				if sc, ok := ev.(StateChanged); ok && sc.To == Stale {
					stale.Add(1)
				}
			case <-e.stop:
				return
			}
		}
	}()
	return e
}

// waitAllUpN waits until every session of m is up; it fails on a session
// that failed or closed.
func waitAllUpN(b *testing.B, m *Manager, limit time.Duration, srv *sshdtest.Server) {
	b.Helper()
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		up := 0
		ss := m.Sessions()
		for _, s := range ss {
			switch st := s.Status(); st.State {
			case Up, Stale:
				up++
			case Failed, Closed:
				logs := srv.Logs()
				os.WriteFile(filepath.Join(os.TempDir(), "sshdash-many-sshd.log"), []byte(logs), 0o644)
				b.Fatalf("session %d: %s: %v (sshd log in %s)", s.ID(), st.State, st.Cause, filepath.Join(os.TempDir(), "sshdash-many-sshd.log"))
			}
		}
		if up == len(ss) {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	b.Fatalf("sessions did not all come up within %v", limit)
}

// profileIdle writes a CPU profile of the idle phase to the file named by
// SSHDASH_BENCH_CPUPROFILE, if set.
func profileIdle(b *testing.B) func() {
	p := os.Getenv("SSHDASH_BENCH_CPUPROFILE")
	if p == "" {
		return func() {}
	}
	f, err := os.Create(p)
	if err != nil {
		b.Fatal(err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		b.Fatal(err)
	}
	return func() { pprof.StopCPUProfile(); f.Close() }
}
