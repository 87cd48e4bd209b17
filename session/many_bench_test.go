package session

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/sshdash/sshdash/internal/sshdtest"
	"github.com/sshdash/sshdash/keepalive"
)

// benchSessions is N for BenchmarkManySessions (SSHDASH_BENCH_SESSIONS,
// default 1,000).
func benchSessions() int {
	if n, err := strconv.Atoi(os.Getenv("SSHDASH_BENCH_SESSIONS")); err == nil && n > 0 {
		return n
	}
	return 1000
}

// manyBenchUser is a login without rc files, so that sshd's side of each
// session is the same for both clients and small.
const manyBenchUser = "sshdashbench"

// procCPU is the time a process has spent on a CPU, in nanoseconds, from
// /proc/PID/schedstat (its /proc/PID/stat counts 10 ms ticks).
func procCPU(pid int) time.Duration {
	st, err := os.ReadFile(fmt.Sprintf("/proc/%d/schedstat", pid))
	if err != nil {
		return 0
	}
	f := strings.Fields(string(st))
	if len(f) == 0 {
		return 0
	}
	ns, _ := strconv.ParseInt(f[0], 10, 64)
	return time.Duration(ns)
}

// pssKiB is a process's proportional set size (shared pages divided among
// the processes that map them).
func pssKiB(pid int) int {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/smaps_rollup", pid))
	if err != nil {
		return 0
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if strings.HasPrefix(line, "Pss:") {
			n, _ := strconv.Atoi(strings.Fields(line)[1])
			return n
		}
	}
	return 0
}

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
	n := benchSessions()
	const idle = 20 * time.Second
	dir := b.TempDir()
	key := writeKey(b, dir, "id", "")
	sshdtest.EnsureUser(b, manyBenchUser, "unused-"+strconv.Itoa(os.Getpid()))
	if home := "/home/" + manyBenchUser; home != "" {
		for _, rc := range []string{".bashrc", ".profile", ".bash_logout"} {
			os.Remove(filepath.Join(home, rc))
		}
	}
	lim := strconv.Itoa(2*n + 10)
	srv := sshdtest.Start(b, sshdtest.Options{AuthorizedKeys: []ssh.PublicKey{key.Pub},
		Extra: []string{"MaxStartups " + lim, "MaxSessions " + lim, "LogLevel ERROR"}})
	// sshd reads authorized_keys as the user: let it through the
	// temporary directories.
	for d := srv.Dir(); d != "/" && d != os.TempDir(); d = filepath.Dir(d) {
		os.Chmod(d, 0o755)
	}
	os.Chmod(filepath.Join(srv.Dir(), "authorized_keys"), 0o644)
	tg := testTarget(dir, srv.Port())
	tg.User = manyBenchUser
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
		TunnelOnly: true,
		Cols:       80, Rows: 24,
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
		pss1 := pssKiB(os.Getpid())
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

		b.Logf("sshdash, %d tunnel-only sessions in this process (one Manager, events drained, no UI):\n"+
			"    all up after %.2f s\n"+
			"    idle CPU %.2f ms per second for all (heartbeat 5 s, %s)\n"+
			"    memory %.0f KiB RSS per session (RSS delta / N; process RSS %d KiB, PSS %d KiB), %.0f KiB Go heap in use per session, %.1f goroutines per session\n"+
			"    heartbeat RTT (send to the reply's arrival in the transport), recent samples: p50 %v, p99 %v, max %v over %d samples; shown Stale while idle: %d times; %d sessions not Up at the end\n"+
			"    CloseAll took %.2f s",
			n, allUp.Seconds(), float64(cpu.Microseconds())/1000/idle.Seconds(), idle,
			float64(rss1-rss0)/float64(n), rss1, pss1, float64(int64(m1.HeapInuse)-int64(m0.HeapInuse))/1024/float64(n), float64(g1-g0)/float64(n),
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

func pct(d []time.Duration, p int) time.Duration {
	if len(d) == 0 {
		return 0
	}
	i := (len(d) - 1) * p / 100
	return d[i].Round(10 * time.Microsecond)
}

// manyOpenSSH starts n "ssh -N" processes in parallel and times until all
// have authenticated (each prints a line through LocalCommand once
// connected), then measures their idle CPU and memory.
func manyOpenSSH(b *testing.B, n int, idle time.Duration, port int, keyPath, dir string) {
	var (
		wg    sync.WaitGroup
		procs = make([]*exec.Cmd, n)
	)
	defer func() {
		for _, p := range procs {
			if p != nil && p.Process != nil {
				p.Process.Kill()
				p.Wait()
			}
		}
	}()
	t0 := time.Now()
	errs := make(chan error, n)
	for i := range n {
		cmd := exec.Command("ssh", "-N", "-F", "none", "-i", keyPath, "-o", "IdentitiesOnly=yes",
			"-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile="+filepath.Join(dir, "kh-openssh"),
			"-o", "ServerAliveInterval=5", "-o", "PermitLocalCommand=yes", "-o", "LocalCommand=echo up",
			"-o", "BatchMode=yes", "-p", strconv.Itoa(port), manyBenchUser+"@127.0.0.1")
		out, err := cmd.StdoutPipe()
		if err != nil {
			b.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			b.Fatalf("ssh %d: %v", i, err)
		}
		procs[i] = cmd
		wg.Add(1)
		go func() {
			defer wg.Done()
			line, err := bufio.NewReader(out).ReadString('\n')
			if err != nil || strings.TrimSpace(line) != "up" {
				errs <- fmt.Errorf("ssh %d never came up: %q %v", i, line, err)
			}
		}()
	}
	wg.Wait()
	allUp := time.Since(t0)
	close(errs)
	failed := 0
	for err := range errs {
		if failed == 0 {
			b.Logf("OpenSSH: %v", err)
		}
		failed++
	}
	time.Sleep(3 * time.Second)
	rss, pss := 0, 0
	var c0 time.Duration
	for _, p := range procs {
		rss += vmRSS(p.Process.Pid)
		pss += pssKiB(p.Process.Pid)
		c0 += procCPU(p.Process.Pid)
	}
	time.Sleep(idle)
	var c1 time.Duration
	for _, p := range procs {
		c1 += procCPU(p.Process.Pid)
	}
	cpu := c1 - c0
	b.Logf("OpenSSH, %d parallel ssh -N -o ServerAliveInterval=5 processes:\n"+
		"    all up after %.2f s (%d of them failed to connect)\n"+
		"    idle CPU %.2f ms per second for all (%s; /proc/PID/schedstat)\n"+
		"    memory %.0f KiB RSS per session (shared libraries counted in each), %.0f KiB PSS per session",
		n, allUp.Seconds(), failed, float64(cpu.Microseconds())/1000/idle.Seconds(), idle, float64(rss)/float64(n), float64(pss)/float64(n))
	b.ReportMetric(allUp.Seconds(), "openssh-allup-s")
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
