// Package benchssh holds what the many-sessions benchmarks share: a real
// sshd that takes N sessions from a user without rc files, per-process
// figures read from /proc, and N parallel OpenSSH "ssh -N" clients as the
// comparison. It is for benchmarks only; nothing in sshdash imports it.
package benchssh

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/sshdash/sshdash/internal/sshdtest"
)

// User is a login without rc files, so that sshd's side of each session
// is the same for both clients and small.
const User = "sshdashbench"

// Sessions is N for the many-sessions benchmarks (SSHDASH_BENCH_SESSIONS,
// default 1,000).
func Sessions() int {
	if n, err := strconv.Atoi(os.Getenv("SSHDASH_BENCH_SESSIONS")); err == nil && n > 0 {
		return n
	}
	return 1000
}

// StartSSHD creates User (without rc files) and starts a real sshd that
// lets key in as any user and accepts n sessions at once (MaxStartups and
// MaxSessions raised above 2n).
func StartSSHD(tb testing.TB, n int, key ssh.PublicKey) *sshdtest.Server {
	tb.Helper()
	sshdtest.EnsureUser(tb, User, "unused-"+strconv.Itoa(os.Getpid()))
	home := "/home/" + User
	for _, rc := range []string{".bashrc", ".profile", ".bash_logout"} {
		os.Remove(filepath.Join(home, rc))
	}
	lim := strconv.Itoa(2*n + 10)
	srv := sshdtest.Start(tb, sshdtest.Options{AuthorizedKeys: []ssh.PublicKey{key},
		Extra: []string{"MaxStartups " + lim, "MaxSessions " + lim, "LogLevel ERROR"}})
	// sshd reads authorized_keys as the user: let it through the
	// temporary directories.
	for d := srv.Dir(); d != "/" && d != os.TempDir(); d = filepath.Dir(d) {
		os.Chmod(d, 0o755)
	}
	os.Chmod(filepath.Join(srv.Dir(), "authorized_keys"), 0o644)
	return srv
}

// ProcCPU is the time all threads of a process have spent on a CPU, from
// /proc/PID/task/*/schedstat (nanoseconds; /proc/PID/stat counts 10 ms
// ticks, and /proc/PID/schedstat is the main thread's alone). Threads that
// have exited are not counted; Go's rarely exit. It is 0 for a process
// that is gone.
func ProcCPU(pid int) time.Duration {
	tasks, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/schedstat", pid))
	var sum time.Duration
	for _, t := range tasks {
		st, err := os.ReadFile(t)
		if err != nil {
			continue
		}
		f := strings.Fields(string(st))
		if len(f) == 0 {
			continue
		}
		ns, _ := strconv.ParseInt(f[0], 10, 64)
		sum += time.Duration(ns)
	}
	return sum
}

// ProcSleeps is how many times a process's threads have gone to sleep
// (voluntary context switches, summed over its threads). Each sleep is a
// later wakeup; an idle process that wakes often pays the scheduler's and
// the kernel's cost every time, whatever little it does when awake.
func ProcSleeps(pid int) int {
	tasks, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/status", pid))
	n := 0
	for _, t := range tasks {
		n += procField(t, "voluntary_ctxt_switches:")
	}
	return n
}

// PSSKiB is a process's proportional set size (shared pages divided among
// the processes that map them).
func PSSKiB(pid int) int { return procField(fmt.Sprintf("/proc/%d/smaps_rollup", pid), "Pss:") }

// RSSKiB is a process's resident set size.
func RSSKiB(pid int) int { return procField(fmt.Sprintf("/proc/%d/status", pid), "VmRSS:") }

func procField(path, key string) int {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if strings.HasPrefix(line, key) {
			n, _ := strconv.Atoi(strings.Fields(line)[1])
			return n
		}
	}
	return 0
}

// OpenSSH is n parallel "ssh -N -o ServerAliveInterval=5" processes to one
// sshd, the comparison for sshdash's idle sessions.
type OpenSSH struct {
	// AllUp is the time from the first start until every process had
	// authenticated (each prints a line through LocalCommand once
	// connected); Failed is how many never did.
	AllUp  time.Duration
	Failed int
	procs  []*exec.Cmd
}

// StartOpenSSH starts n "ssh -N" processes in parallel as User with
// keyPath, heartbeat every 5 s, and waits until all are up (or failed).
// Close ends them.
func StartOpenSSH(tb testing.TB, n, port int, keyPath, dir string) *OpenSSH {
	tb.Helper()
	o := &OpenSSH{procs: make([]*exec.Cmd, 0, n)}
	var wg sync.WaitGroup
	t0 := time.Now()
	errs := make(chan error, n)
	for i := range n {
		cmd := exec.Command("ssh", "-N", "-F", "none", "-i", keyPath, "-o", "IdentitiesOnly=yes",
			"-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile="+filepath.Join(dir, "kh-openssh"),
			"-o", "ServerAliveInterval=5", "-o", "PermitLocalCommand=yes", "-o", "LocalCommand=echo up",
			"-o", "BatchMode=yes", "-p", strconv.Itoa(port), User+"@127.0.0.1")
		out, err := cmd.StdoutPipe()
		if err != nil {
			o.Close()
			tb.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			o.Close()
			tb.Fatalf("ssh %d: %v", i, err)
		}
		o.procs = append(o.procs, cmd)
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
	o.AllUp = time.Since(t0)
	close(errs)
	for err := range errs {
		if o.Failed == 0 {
			tb.Logf("OpenSSH: %v", err)
		}
		o.Failed++
	}
	return o
}

// CPU is the CPU time all the processes have used so far.
func (o *OpenSSH) CPU() time.Duration {
	var c time.Duration
	for _, p := range o.procs {
		c += ProcCPU(p.Process.Pid)
	}
	return c
}

// Sleeps is ProcSleeps summed over all the processes.
func (o *OpenSSH) Sleeps() int {
	n := 0
	for _, p := range o.procs {
		n += ProcSleeps(p.Process.Pid)
	}
	return n
}

// Memory is the RSS and PSS of all the processes, in KiB.
func (o *OpenSSH) Memory() (rss, pss int) {
	for _, p := range o.procs {
		rss += RSSKiB(p.Process.Pid)
		pss += PSSKiB(p.Process.Pid)
	}
	return rss, pss
}

// Close kills the processes and waits for them.
func (o *OpenSSH) Close() {
	for _, p := range o.procs {
		if p.Process != nil {
			p.Process.Kill()
			p.Wait()
		}
	}
	o.procs = nil
}
