package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/sshdash/sshdash/internal/benchssh"
	"github.com/sshdash/sshdash/internal/sshdtest"
	"github.com/sshdash/sshdash/internal/testenv"
)

// dashBench is one BenchmarkDashboardManySessions run's world: the sshd,
// the key, the config and the environment the dashboard runs in.
type dashBench struct {
	b          testing.TB // the benchmark's, or a test's
	n          int
	dir, key   string
	cfg        string
	srv        *sshdtest.Server
	env        []string
	cols, rows int
	// idleMS is the child's idle CPU (ms/s) measured earlier in the run;
	// the heavy phase prints its CPU over that baseline too. 0: not
	// measured (SSHDASH_BENCH_ONLY_HEAVY).
	idleMS float64
}

// BenchmarkDashboardManySessions runs the real sshdash dashboard (guard and
// child, in a 120×40 PTY) with N hosts (SSHDASH_BENCH_SESSIONS, default
// 1,000) on one real sshd, reattach off and heartbeat 5 s from the settings
// file, marks all (*) and opens their shells (o), and prints, whole
// process:
//   - the time until the tab bar shows all N up;
//   - idle CPU of the dashboard child and of its guard over 20 s, in the
//     same 20 s as N parallel "ssh -N -o ServerAliveInterval=5" (all
//     idle at once, so both sides see the same machine load);
//   - memory per session: the child's RSS minus its RSS with no session,
//     divided by N, the larger of 3 s after all were up and after the
//     idle phase;
//   - key-to-screen latency in the dashboard (↓ moves the hosts cursor; from
//     the write to the PTY until the frame with the moved cursor arrived),
//     and key-to-echo attached to one session, p50/p99;
//   - with one session streaming "cat /dev/urandom | base64" in the
//     background: key-to-screen in the dashboard, the RTTs and states the
//     dashboard shows for the other sessions, key-to-echo attached to
//     another session, and sshdash's CPU for the stream beside OpenSSH's
//     ssh running the same command for the same time in a PTY;
//   - the time quitting takes with all N open.
//
// SSHDASH_BENCH_QUIT_ONLY=1 opens all N, starts the background stream and
// quits (no idle, latency or OpenSSH phases);
// SSHDASH_BENCH_LOG=FILE runs the dashboard with debug logging and copies
// its log (with the quit's phases) to FILE;
// SSHDASH_BENCH_SKIP_OPENSSH=1 leaves out the OpenSSH side;
// SSHDASH_BENCH_BIN=PATH runs that sshdash binary instead of building one;
// SSHDASH_BENCH_GOGC=N runs the dashboard with GOGC=N;
// SSHDASH_BENCH_ENV="K=V …" adds variables to the dashboard's environment;
// SSHDASH_BENCH_IDLE=DURATION measures idle for that long (default 20 s);
// SSHDASH_BENCH_CPUPROFILE=FILE profiles the dashboard child's idle phase;
// SSHDASH_BENCH_ONLY_HEAVY=1 runs only the heavy-output phase after all are
// up (and profiles that phase instead, with SSHDASH_BENCH_CPUPROFILE).
//
//	SSHDASH_INTEGRATION=1 go test -run '^$' -bench DashboardManySessions -benchtime 1x -timeout 60m ./cmd/sshdash/
func BenchmarkDashboardManySessions(b *testing.B) {
	testenv.Need(b, "ssh", "sshd")
	if !testenv.Enabled() {
		b.Skip(testenv.Var + " is not set")
	}
	bin := os.Getenv("SSHDASH_BENCH_BIN") // another build, for A/B runs
	if bin == "" {
		bin = buildBenchBinary(b)
	}
	d := newDashBench(b, benchssh.Sessions())
	for range b.N {
		d.run(bin)
	}
}

func newDashBench(b testing.TB, n int) *dashBench {
	dir := b.TempDir()
	for p := dir; p != "/" && p != os.TempDir(); p = filepath.Dir(p) {
		os.Chmod(p, 0o755)
	}
	key := filepath.Join(dir, "id_ed25519")
	pub, err := sshdtest.GenerateKey(key, "ed25519", "")
	if err != nil {
		b.Fatal(err)
	}
	srv := benchssh.StartSSHD(b, n, pub)
	kh := filepath.Join(dir, "known_hosts")
	line := fmt.Sprintf("[127.0.0.1]:%d %s", srv.Port(), ssh.MarshalAuthorizedKey(srv.HostKey()))
	if err := os.WriteFile(kh, []byte(line), 0o600); err != nil {
		b.Fatal(err)
	}
	var cfg strings.Builder
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&cfg, "Host b%04d\n  HostName 127.0.0.1\n", i)
	}
	fmt.Fprintf(&cfg, "Host *\n  Port %d\n  User %s\n  IdentityFile %s\n  IdentitiesOnly yes\n  IdentityAgent none\n"+
		"  UserKnownHostsFile %s\n  GlobalKnownHostsFile /dev/null\n  StrictHostKeyChecking yes\n  ConnectTimeout 120\n",
		srv.Port(), benchssh.User, key, kh)
	cfgPath := filepath.Join(dir, "ssh_config")
	if err := os.WriteFile(cfgPath, []byte(cfg.String()), 0o600); err != nil {
		b.Fatal(err)
	}
	set := filepath.Join(dir, "xdg", "sshdash", "config.toml")
	os.MkdirAll(filepath.Dir(set), 0o700)
	if err := os.WriteFile(set, []byte("reattach = \"none\"\n\n[heartbeat]\nmode = \"probe\"\ninterval = \"5s\"\n"), 0o600); err != nil {
		b.Fatal(err)
	}
	env := []string{"HOME=" + dir, "PATH=" + os.Getenv("PATH"), "TERM=xterm-256color", "LANG=C.UTF-8",
		"XDG_CONFIG_HOME=" + filepath.Join(dir, "xdg"), "XDG_STATE_HOME=" + filepath.Join(dir, "state")}
	if g := os.Getenv("SSHDASH_BENCH_GOGC"); g != "" {
		env = append(env, "GOGC="+g)
	}
	env = append(env, strings.Fields(os.Getenv("SSHDASH_BENCH_ENV"))...) // e.g. GODEBUG=… for an experiment
	if os.Getenv("SSHDASH_BENCH_LOG") != "" {
		env = append(env, logLevelEnv+"=debug")
	}
	prof := os.Getenv("SSHDASH_BENCH_CPUPROFILE")
	if prof != "" {
		env = append(env, profileEnv+"="+prof)
	}
	return &dashBench{b: b, n: n, dir: dir, key: key, cfg: cfgPath, srv: srv, env: env, cols: 120, rows: 40}
}

func (d *dashBench) run(bin string) {
	b, n := d.b, d.n
	load := func() string {
		l, _ := os.ReadFile("/proc/loadavg")
		return strings.Join(strings.Fields(string(l))[:3], " ")
	}
	t := startDashTerm(b, bin, d.env, d.cols, d.rows, "-F", d.cfg)
	defer func() {
		if t.cmd.ProcessState == nil {
			t.cmd.Process.Kill()
			t.cmd.Wait()
		}
	}()
	t.waitScreen("first frame naming the first host", time.Minute, func(l []string) bool { return hostCursor(l) == "b0001" })
	guard := t.cmd.Process.Pid
	child := childPID(guard)
	if child == 0 {
		b.Fatal("the dashboard in a terminal ran without a guard child")
	}
	time.Sleep(2 * time.Second)
	rss0 := benchssh.RSSKiB(child)
	prof := os.Getenv("SSHDASH_BENCH_CPUPROFILE")
	var none runtimeFigures // the dashboard's figures with no session (profiling only)
	if prof != "" && os.Getenv("SSHDASH_BENCH_ONLY_HEAVY") == "" && os.Getenv("SSHDASH_BENCH_QUIT_ONLY") == "" {
		none = snapRuntime(child, prof)
	}

	allUp := t.openAll(n, 15*time.Minute)
	b.Logf("load average at all up: %s", load())
	time.Sleep(3 * time.Second)
	rss1, grss := benchssh.RSSKiB(child), benchssh.RSSKiB(guard)

	if os.Getenv("SSHDASH_BENCH_QUIT_ONLY") != "" {
		// As after the full run: one session streaming in the background.
		d.attach(t)
		t.send("cat /dev/urandom | base64\r")
		time.Sleep(time.Second)
		d.detach(t)
		time.Sleep(2 * time.Second)
		d.quit(t, child, load)
		return
	}
	if os.Getenv("SSHDASH_BENCH_ONLY_HEAVY") != "" {
		d.heavy(t, child)
		t.cmd.Process.Kill()
		return
	}

	var ossh *benchssh.OpenSSH
	if os.Getenv("SSHDASH_BENCH_SKIP_OPENSSH") == "" {
		ossh = benchssh.StartOpenSSH(b, n, d.srv.Port(), d.key, d.dir)
		defer ossh.Close()
		time.Sleep(3 * time.Second)
	}

	// Idle: both sides in the same 20 s (SSHDASH_BENCH_IDLE, a duration,
	// for a longer profile).
	idle := 20 * time.Second
	if v, err := time.ParseDuration(os.Getenv("SSHDASH_BENCH_IDLE")); err == nil && v > 0 {
		idle = v
	}
	stop := watchStates(t)
	if os.Getenv("SSHDASH_BENCH_CPUPROFILE") != "" {
		syscall.Kill(child, syscall.SIGUSR1)
	}
	l0 := load()
	c0, g0 := benchssh.ProcCPU(child), benchssh.ProcCPU(guard)
	s0 := benchssh.ProcSleeps(child)
	var o0 time.Duration
	var os0 int
	if ossh != nil {
		o0, os0 = ossh.CPU(), ossh.Sleeps()
	}
	time.Sleep(idle)
	cpu, gcpu := benchssh.ProcCPU(child)-c0, benchssh.ProcCPU(guard)-g0
	sleeps := benchssh.ProcSleeps(child) - s0
	var ocpu time.Duration
	var osleeps int
	if ossh != nil {
		ocpu, osleeps = ossh.CPU()-o0, ossh.Sleeps()-os0
	}
	// Again after the idle phase: the garbage of idle work grows the heap
	// towards the collector's goal, so this is the steady state; the
	// larger of the two is the figure.
	rss2 := benchssh.RSSKiB(child)
	if prof != "" {
		os.Remove(prof + ".heap.txt") // the figures with none open were written there
		syscall.Kill(child, syscall.SIGUSR2)
		if end := waitRuntime(prof + ".heap.txt"); none != nil && end != nil {
			b.Logf("runtime figures per session after the idle phase (a forced collection; minus those with none open): "+
				"%.1f KiB live heap, %.1f KiB the collector's next goal, %.1f KiB goroutine stacks, %.1f goroutines",
				end.perSession(none, "HeapAlloc", n), end.perSession(none, "NextGC", n), end.perSession(none, "StackInuse", n), end.perSession(none, "Goroutines", n))
		}
	}
	idleStates := stop()
	if os.Getenv("SSHDASH_BENCH_SCREENS") != "" {
		b.Logf("screen after the idle phase:\n%s", t.screenText())
	}
	perS := func(c time.Duration, over time.Duration) float64 {
		return float64(c.Microseconds()) / 1000 / over.Seconds()
	}
	b.Logf("sshdash dashboard (whole process: guard + child, PTY %d×%d), %d shells, reattach off, heartbeat 5 s:\n"+
		"    all up after %.2f s\n"+
		"    idle CPU: child %.2f ms/s, guard %.2f ms/s (%s, /proc/PID/schedstat; load average %s → %s); the child slept and woke %.0f times a second\n"+
		"    memory: %.0f KiB RSS per session (child RSS %d KiB with %d open 3 s after all were up, %d KiB after the idle phase, %d KiB with none); guard RSS %d KiB\n"+
		"    tab bar while idle (samples every 200 ms): %s",
		d.cols, d.rows, n, allUp.Seconds(), perS(cpu, idle), perS(gcpu, idle), idle, l0, load(), float64(sleeps)/idle.Seconds(),
		float64(max(rss1, rss2)-rss0)/float64(n), rss1, n, rss2, rss0, grss, idleStates)
	d.metric(allUp.Seconds(), "sshdash-allup-s")
	d.metric(perS(cpu, idle), "sshdash-idle-cpu-ms/s")
	d.idleMS = perS(cpu, idle)
	d.metric(float64(max(rss1, rss2)-rss0)/float64(n), "sshdash-KiB/session")
	if ossh != nil {
		rss, pss := ossh.Memory()
		b.Logf("OpenSSH, %d parallel ssh -N -o ServerAliveInterval=5 (same sshd, same %s as above):\n"+
			"    all up after %.2f s (%d failed; started after sshdash's were all up)\n"+
			"    idle CPU %.2f ms/s summed, %.0f sleeps and wakeups a second summed; memory %.0f KiB RSS, %.0f KiB PSS per process\n"+
			"    ratio of idle CPU (sshdash child ÷ OpenSSH): %.2f",
			n, idle, ossh.AllUp.Seconds(), ossh.Failed, perS(ocpu, idle), float64(osleeps)/idle.Seconds(), float64(rss)/float64(n), float64(pss)/float64(n),
			float64(cpu)/float64(max(ocpu, 1)))
		d.metric(perS(ocpu, idle), "openssh-idle-cpu-ms/s")
		ossh.Close()
	}

	d.latency(t, "idle")
	d.heavy(t, child)
	d.quit(t, child, load)
}

// quit quits the dashboard with all N open (q, y) and reports how long
// until the whole process (guard and child) had exited, from q and from y.
//
// With SSHDASH_BENCH_QUIT_ONLY and SSHDASH_BENCH_CPUPROFILE the profile
// covers the quit (the dashboard writes it as it exits).
func (d *dashBench) quit(t *dashTerm, child int, load func() string) {
	b, n := d.b, d.n
	if os.Getenv("SSHDASH_BENCH_QUIT_ONLY") != "" && os.Getenv("SSHDASH_BENCH_CPUPROFILE") != "" {
		syscall.Kill(child, syscall.SIGUSR1)
	}
	l0 := load()
	q0 := time.Now()
	t.send("q")
	t.waitScreen("the quit question", 30*time.Second, func(l []string) bool {
		return strings.Contains(strings.Join(l, "\n"), "open sessions and quit?")
	})
	run0, wait0 := schedTimes(child)
	y0 := time.Now()
	t.send("y")
	exited := make(chan struct{})
	go func() { t.cmd.Wait(); close(exited) }()
	// The child's CPU and run-queue wait, sampled until it is gone: on a
	// loaded machine the quit's wall time is mostly waiting for a CPU.
	var run, wait time.Duration
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	timeout := time.After(60 * time.Second)
sample:
	for {
		select {
		case <-exited:
			break sample
		case <-tick.C:
			// Threads that have exited drop out of the sums: keep the most.
			r, w := schedTimes(child)
			run, wait = max(run, r-run0), max(wait, w-wait0)
		case <-timeout:
			t.fail("the dashboard did not exit within 60 s of quitting")
		}
	}
	end := time.Now()
	b.Logf("quit with %d open, whole process: %.2f s from q, %.2f s from y until the process exited (load average %s → %s);\n"+
		"    the dashboard child from y until its last sample (20 ms apart): %.0f ms on a CPU, %.0f ms runnable waiting for one",
		n, end.Sub(q0).Seconds(), end.Sub(y0).Seconds(), l0, load(), float64(run.Microseconds())/1000, float64(wait.Microseconds())/1000)
	d.metric(end.Sub(y0).Seconds(), "sshdash-quit-s")
	if p := os.Getenv("SSHDASH_BENCH_LOG"); p != "" {
		b.Logf("y sent at %s, the process exited at %s (to set beside the log's times)",
			y0.UTC().Format(time.StampMicro), end.UTC().Format(time.StampMicro))
		if l, err := os.ReadFile(filepath.Join(d.dir, "state", "sshdash", "sshdash.log")); err == nil {
			os.WriteFile(p, l, 0o600)
		}
	}
	t.f.Close()
}

// watchStates samples the tab bar every 200 ms until the returned function
// is called, which describes the worst it saw: how many samples showed
// any session not up, and the most sessions not up at once.
func watchStates(t *dashTerm) func() string {
	stop, done := make(chan struct{}), make(chan string)
	go func() {
		samples, bad, worst := 0, 0, ""
		most := 0
		tk := time.NewTicker(200 * time.Millisecond)
		defer tk.Stop()
		for {
			select {
			case <-stop:
				done <- fmt.Sprintf("%d samples, %d showed a session not up (most at once: %d; %s)", samples, bad, most, worst)
				return
			case <-tk.C:
			}
			s := summary(t.lines())
			samples++
			not := 0
			for k, v := range s {
				if k != "up" {
					not += v
				}
			}
			if not > 0 {
				bad++
				if not > most {
					most, worst = not, t.lines()[0]
				}
			}
		}
	}()
	return func() string { close(stop); return <-done }
}

// schedTimes sums a process's threads' time on a CPU and time runnable
// but waiting for one (/proc/PID/task/*/schedstat); zero once it is gone.
func schedTimes(pid int) (run, wait time.Duration) {
	tasks, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/schedstat", pid))
	for _, t := range tasks {
		st, err := os.ReadFile(t)
		if err != nil {
			continue
		}
		var r, w int64
		if _, err := fmt.Sscan(string(st), &r, &w); err == nil {
			run += time.Duration(r)
			wait += time.Duration(w)
		}
	}
	return run, wait
}

// metric reports a figure when d runs as a benchmark.
func (d *dashBench) metric(v float64, unit string) {
	if b, ok := d.b.(*testing.B); ok {
		b.ReportMetric(v, unit)
	}
}
