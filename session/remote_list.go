package session

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"golang.org/x/crypto/ssh"
)

// RemoteSession is one of sshdash's private tmux or screen sessions found
// on a server: a shell that may outlive the sshdash that started it (killed,
// terminal closed, laptop rebooted) and that connect --resume attaches to.
type RemoteSession struct {
	Name     string // the private session's name (sd-…), what ResumeName takes
	Kind     string // "tmux" or "screen"
	Alias    string // the host alias it was opened as (@sdalias); "" when unknown
	Client   string // local user@machine that opened it (@sdclient); "" when unknown
	Mine     bool   // Client is this machine's user@machine
	Attached bool   // a client (an sshdash somewhere) is attached now
	Ended    bool   // the shell has exited; only its last screen is left
	Command  string // the program in the foreground of its pane ("" when unknown)
	// Created and LastAttached are in the local clock (the server's clock
	// skew removed); zero when unknown. LastAttached falls back to Created.
	Created, LastAttached time.Time
	// Idle is how long ago it was last attached, by the server's clock.
	Idle time.Duration
}

// Resumable reports whether the session can be attached to: detached and
// its shell still running.
func (r RemoteSession) Resumable() bool { return !r.Attached && !r.Ended }

// listScript prints the server's time, then a line per sshdash session,
// fields separated by "|" (tmux prints a tab in -F as "_"; the command,
// which may hold a "|", is last):
// tmux sessions of the private server with their user options (see the
// wrapper), and screen sessions named sshdash-sd-*, each with whether its
// SCREEN process runs sshdash's wrapper (y or n; "" where /proc cannot
// tell), so that a user's own screen session of such a name is not taken
// for one of sshdash's (see ownScreen). A missing tmux, a server not
// running and a missing screen print nothing.
func listScript() string {
	f := strings.Join([]string{"T", "#{session_name}", "#{session_created}", "#{session_attached}",
		"#{@sdalias}", "#{@sdclient}", "#{@sdcreated}", "#{@sdlast}", "#{@sdexit}", "#{pane_current_command}"}, "|")
	return "mode=auto\nset -f\n" + findBody + "\n" +
		"printf 'N|%s\\n' \"$(date +%s 2>/dev/null)\"\n" +
		`if [ -n "$t" ]; then "$t" -L sshdash -f /dev/null ls -F ` + shellQuote(f) + " </dev/null 2>/dev/null; fi\n" +
		`if [ -n "$sc" ]; then "$sc" -ls </dev/null 2>/dev/null | sed -n 's/^[[:space:]]*\([0-9][0-9]*\)\.\(sshdash-sd-[^[:space:]]*\).*(\([A-Za-z]*\)).*/\1 \2 \3/p' | while read -r p s a; do ` +
		`w=; if [ -r "/proc/$p/cmdline" ]; then if tr '\000' ' ' <"/proc/$p/cmdline" | grep -q ` + shellQuote(screenMark) + `; then w=y; else w=n; fi; fi; ` +
		`printf 'S|%s|%s|%s\n' "$s" "$a" "$w"; done; fi` + "\ntrue\n"
}

// screenMark is a piece of the wrapper's screen window command (see
// screenInner) found in the command line of a SCREEN process that
// sshdash's wrapper started, and in no other's.
const screenMark = `title "sdexit`

// ownScreen reports whether a screen session (its name and, when the list
// could tell, whether its process runs the wrapper) is one of sshdash's:
// its name is sshdash-sd-<12 hex digits>, as sshdash names them at
// random, and its SCREEN process, where /proc shows it, runs the wrapper.
// A user's "screen -S sshdash-foo", or one given a name of that form by
// hand, is not.
func ownScreen(name string, wrapper []string) bool {
	h, ok := strings.CutPrefix(name, "sshdash-sd-")
	if !ok || len(h) != 12 || strings.Trim(h, "0123456789abcdef") != "" {
		return false
	}
	return len(wrapper) == 0 || wrapper[0] != "n"
}

// listRemote runs listScript over client (one exec channel, no terminal)
// and parses its output; now is the local time.
func listRemote(ctx context.Context, client *ssh.Client, now time.Time) ([]RemoteSession, error) {
	sess, err := client.NewSession()
	if err != nil {
		return nil, fmt.Errorf("list sshdash's sessions on the host: open a channel: %w", err)
	}
	defer sess.Close()
	type result struct {
		out []byte
		err error
	}
	done := make(chan result, 1)
	go func() {
		out, err := sess.Output(execLine(listScript()))
		done <- result{out, err}
	}()
	select {
	case r := <-done:
		if r.err != nil {
			return nil, fmt.Errorf("list sshdash's sessions on the host: %w", r.err)
		}
		return parseRemoteList(string(r.out), now, localClient()), nil
	case <-ctx.Done():
		sess.Close() // ends Output
		return nil, fmt.Errorf("list sshdash's sessions on the host: %w", context.Cause(ctx))
	}
}

// parseRemoteList parses listScript's output, most recently used first.
// now is the local time, mine the local user@machine.
func parseRemoteList(out string, now time.Time, mine string) []RemoteSession {
	var remoteNow int64
	var list []RemoteSession
	unix := func(s string) int64 {
		n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
		if err != nil || n <= 0 {
			return 0
		}
		return n
	}
	for _, line := range strings.Split(out, "\n") {
		f := strings.Split(strings.TrimRight(line, "\r"), "|")
		switch {
		case f[0] == "N" && len(f) == 2:
			remoteNow = unix(f[1])
		case f[0] == "T" && len(f) >= 10 && strings.HasPrefix(f[1], "sd-"):
			r := RemoteSession{Name: f[1], Kind: "tmux", Alias: f[4], Client: f[5],
				Attached: unix(f[3]) > 0, Ended: f[8] != "", Command: strings.Join(f[9:], "|")}
			created := unix(f[6])
			if created == 0 {
				created = unix(f[2])
			}
			last := unix(f[7])
			if last == 0 {
				last = created
			}
			list = append(list, withTimes(r, created, last))
		case f[0] == "S" && len(f) >= 3 && ownScreen(f[1], f[3:]):
			list = append(list, RemoteSession{Name: strings.TrimPrefix(f[1], "sshdash-"), Kind: "screen",
				Attached: strings.EqualFold(f[2], "Attached")})
		}
	}
	skew := time.Duration(0)
	if remoteNow > 0 {
		skew = now.Sub(time.Unix(remoteNow, 0))
	}
	for i := range list {
		r := &list[i]
		r.Mine = r.Client != "" && r.Client == mine
		if !r.Created.IsZero() {
			r.Created = r.Created.Add(skew)
		}
		if !r.LastAttached.IsZero() {
			r.LastAttached = r.LastAttached.Add(skew)
			if r.Idle = now.Sub(r.LastAttached); r.Idle < 0 {
				r.Idle = 0
			}
		}
	}
	sort.SliceStable(list, func(i, j int) bool { return list[i].LastAttached.After(list[j].LastAttached) })
	return list
}

// withTimes sets r's times from the server's Unix seconds (0: unknown).
func withTimes(r RemoteSession, created, last int64) RemoteSession {
	if created > 0 {
		r.Created = time.Unix(created, 0)
	}
	if last > 0 {
		r.LastAttached = time.Unix(last, 0)
	}
	return r
}

// closeRemote ends one of sshdash's private sessions on the server (see
// killCommand).
func closeRemote(ctx context.Context, client *ssh.Client, name string) error {
	sess, err := client.NewSession()
	if err != nil {
		return fmt.Errorf("close the remote session %s: open a channel: %w", name, err)
	}
	defer sess.Close()
	done := make(chan error, 1)
	go func() { done <- sess.Run(killCommand(name)) }()
	select {
	case err := <-done:
		if err != nil {
			return fmt.Errorf("close the remote session %s: %w", name, err)
		}
		return nil
	case <-ctx.Done():
		sess.Close()
		return fmt.Errorf("close the remote session %s: %w", name, context.Cause(ctx))
	}
}

// ListRemoteSessions lists sshdash's sessions on conn's host, most
// recently used first.
func ListRemoteSessions(ctx context.Context, conn *Conn) ([]RemoteSession, error) {
	return listRemote(ctx, conn.Client(), time.Now())
}

// CloseRemoteSession ends one of sshdash's sessions on conn's host, by
// name (RemoteSession.Name).
func CloseRemoteSession(ctx context.Context, conn *Conn, name string) error {
	return closeRemote(ctx, conn.Client(), name)
}

// remoteNameFor is a new session's remote name: the one to resume, or a
// fresh one.
func remoteNameFor(opts Options) string {
	if opts.ResumeName != "" {
		return opts.ResumeName
	}
	return newRemoteName()
}

// RemoteName is the name of the session's private tmux or screen session
// on the server (what RemoteSession.Name lists); fixed for its life.
func (s *Session) RemoteName() string { return s.remoteName }
