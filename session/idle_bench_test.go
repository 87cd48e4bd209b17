package session

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/sshdash/sshdash/internal/sshdtest"
	"github.com/sshdash/sshdash/keepalive"
)

// vmRSS reads a process's resident set size in KiB from /proc.
func vmRSS(pid int) int {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "VmRSS:") {
			n, _ := strconv.Atoi(strings.Fields(line)[1])
			return n
		}
	}
	return 0
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkIdleSessions opens 100 sessions to a real sshd and measures what
// they cost while idle: memory per session (Go heap and RSS), goroutines per
// session, and CPU per second — beside 10 idle OpenSSH ssh processes' RSS.
//
//	sudo SSHDASH_INTEGRATION=1 go test -run '^$' -bench IdleSessions -benchtime 1x ./session/
func BenchmarkIdleSessions(b *testing.B) {
	const n = 100
	dir := b.TempDir()
	key := writeKey(b, dir, "id", "")
	srv := sshdtest.Start(b, sshdtest.Options{AuthorizedKeys: []ssh.PublicKey{key.Pub}, Extra: []string{"MaxStartups 200", "MaxSessions 200"}})
	port, _ := strconv.Atoi(srv.Addr()[strings.LastIndex(srv.Addr(), ":")+1:])
	tg := testTarget(dir, port)
	tg.User = "root"
	tg.IdentityFiles = []string{key.Path}
	opts := Options{
		Alias: "bench",
		Dial: func(ctx context.Context, h DialHooks) (*ssh.Client, func() error, error) {
			c, err := Dial(ctx, DialOptions{Target: tg, WrapConn: h.WrapConn})
			if err != nil {
				return nil, nil, err
			}
			return c.Client(), c.Close, nil
		},
		Heartbeat: keepalive.Default(),
		Reattach:  ReattachNone,
		Cols:      80, Rows: 24,
	}
	runtime.GC()
	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	rss0, g0 := vmRSS(os.Getpid()), runtime.NumGoroutine()
	m := NewManager(nil, nil)
	ev := watch(m) // drains events until the benchmark ends
	defer ev.close()
	defer m.CloseAll(context.Background())
	for i := range n {
		m.Open(opts)
		if i%10 == 9 {
			waitAllUp(b, m)
		}
	}
	waitAllUp(b, m)
	time.Sleep(2 * time.Second)
	runtime.GC()
	runtime.ReadMemStats(&m1)
	rss1, g1 := vmRSS(os.Getpid()), runtime.NumGoroutine()
	c0 := cpuTime()
	const idle = 10 * time.Second
	time.Sleep(idle)
	cpu := cpuTime() - c0

	heapKB := float64(m1.HeapInuse-m0.HeapInuse) / 1024 / n
	rssKB := float64(rss1-rss0) / n
	b.Logf("sshdash, %d idle sessions: %.0f KiB heap and %.0f KiB RSS per session, %.1f goroutines per session, CPU %.2f ms per second for all",
		n, heapKB, rssKB, float64(g1-g0)/n, float64(cpu.Microseconds())/1000/idle.Seconds())
	b.ReportMetric(rssKB, "KiB-RSS/session")
	b.ReportMetric(heapKB, "KiB-heap/session")

	// OpenSSH: 10 idle ssh processes against the same sshd.
	var procs []*exec.Cmd
	for range 10 {
		cmd := exec.Command("ssh", "-N", "-i", key.Path, "-o", "IdentitiesOnly=yes", "-o", "StrictHostKeyChecking=no",
			"-o", "UserKnownHostsFile="+filepath.Join(dir, "kh2"), "-p", strconv.Itoa(port), "root@127.0.0.1")
		if err := cmd.Start(); err != nil {
			b.Fatal(err)
		}
		procs = append(procs, cmd)
	}
	time.Sleep(3 * time.Second)
	total := 0
	for _, p := range procs {
		total += vmRSS(p.Process.Pid)
		p.Process.Kill()
		p.Wait()
	}
	b.Logf("OpenSSH ssh -N: %.0f KiB RSS per session (one process each)", float64(total)/10)
	b.ReportMetric(float64(total)/10, "openssh-KiB-RSS/session")
}

func waitAllUp(b *testing.B, m *Manager) {
	b.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		up := 0
		ss := m.Sessions()
		for _, s := range ss {
			switch s.Status().State {
			case Up, Stale:
				up++
			case Failed, Closed:
				b.Fatalf("session %d: %s: %v", s.ID(), s.Status().State, s.Status().Cause)
			}
		}
		if up == len(ss) {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	b.Fatal("sessions did not all come up")
}
