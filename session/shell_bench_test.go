package session

// Benchmarks beside OpenSSH's ssh against the same real sshd
// (SSHDASH_INTEGRATION=1): keystroke echo latency through a remote PTY and
// bulk output throughput, each for sshdash's Dial+StartShell and for
// `ssh -tt` driven through a local PTY. Run with
//
//	SSHDASH_INTEGRATION=1 go test -run '^$' -bench 'Echo|Bulk' -benchtime 200x ./session/
//
// and compare the sshdash and openssh lines (us-median/echo, MB/s). Bulk
// output comes as zeros (BenchmarkBulkOutput) and as text lines
// (BenchmarkBulkText).

import (
	"bytes"
	"context"
	"io"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/creack/pty"
	"github.com/sshdash/sshdash/internal/sshdtest"
	"github.com/sshdash/sshdash/internal/testenv"
)

// benchImpls are compared side by side: the session layer alone
// (Dial+StartShell), the real sshdash binary attached through a local PTY
// as a user runs it (attach loop, emulator, terminal writes), and OpenSSH.
var benchImpls = []string{"sshdash", "sshdash-connect", "openssh"}

// benchBulkBytes is what one bulk iteration transfers (head -c 50M).
const benchBulkBytes = 50 << 20

// echoCommand makes the remote PTY raw and echoes every byte back.
const echoCommand = "stty raw -echo; echo READY; exec cat"

// bulkCommand sends 50 MiB of zeros and DONE for every line it reads.
const bulkCommand = "stty raw -echo; echo READY; while read x; do head -c 52428800 /dev/zero; echo DONE; done"

// bulkTextCommand sends 50 MiB of log lines (80 columns, CR LF) and DONE
// for every line it reads: what `cat` of a big log sends.
const bulkTextCommand = "stty -echo; echo READY; while read x; do " +
	"yes '2026-11-21T15:12:02Z INFO served GET /api/v1/items?page=7 status=200 in 3ms' | head -c 52428800; echo DONE; done"

// benchStream is one end of a remote PTY session: sshdash's Shell or an
// ssh process's local PTY.
type benchStream struct {
	w     io.Writer
	r     io.Reader
	close func()
	pid   int // the client process (tree) whose CPU time is reported; 0: this process
}

// openBench starts command remotely through sshdash (openssh false) or
// `ssh -tt` in a local PTY (openssh true) and waits for READY.
func openBench(b *testing.B, f *sshdFixture, impl, command string) *benchStream {
	b.Helper()
	var s *benchStream
	switch impl {
	case "sshdash-connect":
		s = openConnect(b, f, command)
	case "openssh":
		args := []string{"-tt", "-F", "/dev/null", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no",
			"-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR", "-i", f.key,
			"-p", strconv.Itoa(f.sshd.Port()), "root@127.0.0.1", command}
		cmd := exec.Command("ssh", args...)
		ptmx, err := pty.StartWithSize(cmd, &pty.Winsize{Cols: 80, Rows: 24})
		if err != nil {
			b.Fatal(err)
		}
		s = &benchStream{w: ptmx, r: ptmx, pid: cmd.Process.Pid, close: func() {
			cmd.Process.Kill()
			cmd.Wait()
			ptmx.Close()
		}}
	default:
		tg := f.target()
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		c, err := Dial(ctx, DialOptions{Target: tg})
		if err != nil {
			b.Fatal(err)
		}
		sh, err := StartShell(ctx, c.Client(), ShellOptions{Command: command, RequestTTY: "force", Cols: 80, Rows: 24})
		if err != nil {
			b.Fatal(err)
		}
		s = &benchStream{w: sh.Stdin, r: sh.Stdout, close: func() { sh.Close(); c.Close() }}
	}
	b.Cleanup(s.close)
	readUntil(b, s.r, []byte("READY"))
	return s
}

// readUntil reads r until the data read ends with marker (ignoring a
// trailing CR LF), returning how many bytes were read.
func readUntil(b *testing.B, r io.Reader, marker []byte) int {
	b.Helper()
	buf := make([]byte, 256*1024)
	var tail []byte
	total := 0
	for {
		n, err := r.Read(buf)
		total += n
		tail = append(tail, buf[:n]...)
		if len(tail) > 64 {
			tail = tail[len(tail)-64:]
		}
		if bytes.Contains(tail, marker) {
			return total
		}
		if err != nil {
			b.Fatalf("waiting for %q: %v (last bytes %q)", marker, err, tail)
		}
	}
}

func benchTargets(b *testing.B) *sshdFixture {
	b.Helper()
	testenv.Need(b, sshdtest.SSHD, "ssh-keygen", "ssh")
	return newSSHD(b, sshdtest.Options{})
}

func BenchmarkKeystrokeEcho(b *testing.B) {
	f := benchTargets(b)
	for _, impl := range benchImpls {
		b.Run(impl, func(b *testing.B) {
			s := openBench(b, f, impl, echoCommand)
			one := []byte{'x'}
			got := make([]byte, 16)
			var samples []time.Duration
			for b.Loop() {
				start := time.Now()
				if _, err := s.w.Write(one); err != nil {
					b.Fatal(err)
				}
				for n := 0; n < 1; {
					k, err := s.r.Read(got)
					if err != nil {
						b.Fatal(err)
					}
					n += k
				}
				samples = append(samples, time.Since(start))
			}
			slices.Sort(samples)
			median := samples[len(samples)/2]
			b.ReportMetric(float64(median.Nanoseconds())/1e3, "us-median/echo")
			b.ReportMetric(float64(samples[len(samples)*99/100].Nanoseconds())/1e3, "us-p99/echo")
		})
	}
}

func BenchmarkBulkOutput(b *testing.B) { benchBulk(b, bulkCommand) }

// BenchmarkBulkText is BenchmarkBulkOutput with text: every byte is
// printed by the emulator, every line scrolls.
func BenchmarkBulkText(b *testing.B) { benchBulk(b, bulkTextCommand) }

func benchBulk(b *testing.B, command string) {
	f := benchTargets(b)
	for _, impl := range benchImpls {
		b.Run(impl, func(b *testing.B) {
			s := openBench(b, f, impl, command)
			b.SetBytes(benchBulkBytes)
			var cpu0 time.Duration
			if s.pid != 0 {
				cpu0 = clientCPU(s.pid)
			}
			for b.Loop() {
				if _, err := s.w.Write([]byte("\n")); err != nil {
					b.Fatal(err)
				}
				if n := readUntil(b, s.r, []byte("DONE")); n < benchBulkBytes {
					b.Fatalf("got %d bytes", n)
				}
			}
			// CPU the client spent per MB moved: on a machine where sshd,
			// the client and the reader share the cores, this is what
			// decides throughput, and it is far less noisy.
			// (Only for client processes: the library runs in this one,
			// beside the reader.)
			if s.pid != 0 {
				mb := float64(b.N) * benchBulkBytes / 1e6
				b.ReportMetric(float64((clientCPU(s.pid)-cpu0).Microseconds())/1e3/mb, "client-cpu-ms/MB")
			}
		})
	}
}

// clientCPU returns the user+system CPU time of process pid and its
// children (the guard and the real sshdash; ssh), read from /proc.
func clientCPU(pid int) time.Duration {
	var total time.Duration
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		p, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		// Fields after the command name (which may hold spaces): state is
		// field 3, ppid 4, utime 14, stime 15.
		f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:]))
		if len(f) < 13 {
			continue
		}
		ppid, _ := strconv.Atoi(f[1])
		if p != pid && ppid != pid {
			continue
		}
		ut, _ := strconv.Atoi(f[11])
		st, _ := strconv.Atoi(f[12])
		total += time.Duration(ut+st) * time.Second / 100 // USER_HZ
	}
	return total
}
