package labtest

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sshdash/sshdash/internal/netlab"
	"github.com/sshdash/sshdash/internal/testenv"
)

// echoKeys are the keys typed, in turn: letters that no escape sequence of
// tmux's or sshdash's output ends with, so that the echo of a key is told
// apart from any redraw around it, and never the key before it.
const echoKeys = "wyzv"

// echoSamples is how many keys each implementation types per row
// (SSHDASH_BENCH_ECHO, default 500), in echoBlocks interleaved blocks.
func echoSamples() int {
	if n, err := strconv.Atoi(os.Getenv("SSHDASH_BENCH_ECHO")); err == nil && n >= echoBlocks {
		return n
	}
	return 500
}

const echoBlocks = 25

// BenchmarkLabKeystrokeEcho: keystroke echo across the lab's link (client
// namespace → NAT router → sshd), the real `sshdash connect` in a local
// PTY beside `ssh -tt` in a local PTY, the same sshd, a remote `cat` in a
// raw PTY (stty raw -echo), 1-byte keys typed one at a time, each timed
// from the write to the PTY until its echo is read back. Two rows: the
// reattach wrapper off (plain shell), and on (sshdash's private tmux
// server in the path; OpenSSH then runs the same cat in a tmux session of
// its own, as a user would to survive a drop, in the same tmux server).
// Each row: echoSamples keys per
// client in echoBlocks blocks, the clients taking turns (which goes first
// alternates), p50 and p99 each. Whole process, both connections stay open
// for the row.
//
//	sudo SSHDASH_INTEGRATION=1 go test -run '^$' -bench LabKeystrokeEcho -benchtime 1x ./internal/labtest/
func BenchmarkLabKeystrokeEcho(b *testing.B) {
	lab := netlab.Enter(b, netlab.Options{NATTimeout: 60 * time.Second})
	if lab == nil {
		return
	}
	testenv.Need(b, "tmux")
	bin := buildSSHDash(b)
	dir := b.TempDir()
	cfgText, err := os.ReadFile(lab.SSHConfig)
	if err != nil {
		b.Fatal(err)
	}
	for _, reattach := range []string{"none", "tmux"} {
		// catLine is the remote side: a raw PTY, cat's PID in pidFile (the
		// lab's client and server share the file system and PIDs), READY.
		catLine := func(pidFile string) string {
			return "stty raw -echo; echo $$ > " + pidFile + "; echo READY; exec cat"
		}

		// ssh -tt, plain or inside a tmux server of its own.
		theirPIDFile := filepath.Join(dir, "cat-ssh-"+reattach+".pid")
		theirRemote := catLine(theirPIDFile)
		// With tmux, OpenSSH's cat runs in a session of its own in the
		// same tmux server as sshdash's (its private one, -L sshdash), so
		// both pay the same server; only that session is removed after.
		tsess := fmt.Sprintf("sdecho%d", os.Getpid())
		if reattach == "tmux" {
			theirRemote = fmt.Sprintf("tmux -L sshdash -f /dev/null new-session -d -s %s %s \\; attach -t =%s", tsess, shellQuote(theirRemote), tsess)
		}
		theirs := startEcho(b, "ssh -tt", []string{"TERM=xterm-256color"}, "ssh", "-tt", "-F", lab.SSHConfig, "lab", theirRemote)
		theirsPID := waitPID(b, theirPIDFile)

		// sshdash connect, with RemoteCommand and the reattach setting.
		sd := filepath.Join(dir, "sshdash-"+reattach)
		if err := os.MkdirAll(filepath.Join(sd, "sshdash"), 0o700); err != nil {
			b.Fatal(err)
		}
		ourPIDFile := filepath.Join(dir, "cat-sshdash-"+reattach+".pid")
		cfg := string(cfgText) + "  RequestTTY force\n  RemoteCommand " + catLine(ourPIDFile) + "\n"
		if err := os.WriteFile(filepath.Join(sd, "ssh_config"), []byte(cfg), 0o600); err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(sd, "sshdash", "config.toml"), []byte("reattach = \""+reattach+"\"\n"), 0o600); err != nil {
			b.Fatal(err)
		}
		ours := startEcho(b, "sshdash connect", []string{"XDG_CONFIG_HOME=" + sd, "XDG_STATE_HOME=" + sd, "TERM=xterm-256color"},
			bin, "connect", "-F", filepath.Join(sd, "ssh_config"), "lab")
		oursPID := waitPID(b, ourPIDFile)

		// SSHDASH_BENCH_BASE, another sshdash binary (an A/B of a change),
		// types its keys in the same blocks.
		var base *echoClient
		basePID := 0
		if bb := os.Getenv("SSHDASH_BENCH_BASE"); bb != "" {
			bd := filepath.Join(dir, "base-"+reattach)
			if err := os.MkdirAll(filepath.Join(bd, "sshdash"), 0o700); err != nil {
				b.Fatal(err)
			}
			pf := filepath.Join(dir, "cat-base-"+reattach+".pid")
			if err := os.WriteFile(filepath.Join(bd, "ssh_config"), []byte(string(cfgText)+"  RequestTTY force\n  RemoteCommand "+catLine(pf)+"\n"), 0o600); err != nil {
				b.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(bd, "sshdash", "config.toml"), []byte("reattach = \""+reattach+"\"\n"), 0o600); err != nil {
				b.Fatal(err)
			}
			base = startEcho(b, "sshdash connect (SSHDASH_BENCH_BASE)", []string{"XDG_CONFIG_HOME=" + bd, "XDG_STATE_HOME=" + bd, "TERM=xterm-256color"},
				bb, "connect", "-F", filepath.Join(bd, "ssh_config"), "lab")
			basePID = waitPID(b, pf)
		}

		libPIDFile := filepath.Join(dir, "cat-lib-"+reattach+".pid")
		var lib *echoClient
		libPID := 0
		if reattach == "none" { // the session layer has no reattach of its own
			lib = startLibraryEcho(b, lab, catLine(libPIDFile))
			libPID = waitPID(b, libPIDFile)
		}

		n := echoSamples()
		dog := echoWatchdog(b, time.Duration(n)*2*time.Second+time.Minute, ours, theirs)
		samples := map[*echoClient][]time.Duration{}
		k := 0
		for blk := range echoBlocks {
			order := []*echoClient{ours, theirs}
			if blk%2 == 1 {
				order = []*echoClient{theirs, ours}
			}
			if base != nil {
				order = append(order[:1], base, order[1])
				if blk%2 == 1 {
					order = []*echoClient{base, order[0], order[2]}
				}
			}
			if lib != nil {
				order = append(order, lib)
			}
			for _, c := range order {
				for range n / echoBlocks {
					samples[c] = append(samples[c], c.sample(b, echoKeys[k%len(echoKeys)]))
					k++
				}
			}
		}
		so, st, sl := samples[ours], samples[theirs], samples[lib]
		dog.Stop()
		// End the remote cats first, then let each client end on its own:
		// sshdash's wrapper then reads the exit status and removes its
		// tmux session. Whatever is left of this run's sessions in the
		// shared tmux server (found by this run's directory in their
		// command) is removed after; nothing else there is touched.
		sb := slices.Clone(samples[base])
		for _, pid := range []int{oursPID, theirsPID, libPID, basePID} {
			if pid > 0 {
				syscall.Kill(pid, syscall.SIGKILL)
			}
		}
		for _, c := range []*echoClient{ours, theirs, base, lib} {
			if c != nil {
				c.ended(15 * time.Second)
				c.close()
			}
		}
		if reattach == "tmux" {
			removeTmuxSessions(b, dir)
		}
		if base != nil {
			slices.Sort(sb)
			b.Logf("SSHDASH_BENCH_BASE's sshdash connect, %s: p50 %s, p99 %s", reattach, us(pct(sb, 50)), us(pct(sb, 99)))
		}

		slices.Sort(so)
		slices.Sort(st)
		slices.Sort(sl)
		if len(sl) > 0 {
			b.Logf("sshdash's session layer in-process (no attach loop, emulator or terminal), %s: p50 %s, p99 %s", reattach, us(pct(sl, 50)), us(pct(sl, 99)))
		}
		row := map[string]string{"none": "reattach off", "tmux": "reattach tmux (OpenSSH: ssh -tt running tmux attach, same tmux server)"}[reattach]
		b.Logf("keystroke echo across the lab link, %s, whole process in a PTY, %d keys each in %d interleaved blocks:\n"+
			"    sshdash connect: p50 %s, p99 %s\n"+
			"    OpenSSH ssh -tt: p50 %s, p99 %s\n"+
			"    p50 difference (sshdash − ssh): %+.3f ms (target ≤ +0.05 ms)",
			row, len(so), echoBlocks, us(pct(so, 50)), us(pct(so, 99)), us(pct(st, 50)), us(pct(st, 99)),
			float64(pct(so, 50)-pct(st, 50))/1e6)
		b.ReportMetric(float64(pct(so, 50).Nanoseconds())/1e3, "sshdash-"+reattach+"-p50-us")
		b.ReportMetric(float64(pct(st, 50).Nanoseconds())/1e3, "openssh-"+reattach+"-p50-us")
	}
	load, _ := os.ReadFile("/proc/loadavg")
	b.Logf("load average at the end: %s", strings.Join(strings.Fields(string(load))[:3], " "))
}
