package keepalive

import (
	"fmt"
	"time"
)

// Mode selects how a connection is kept alive.
type Mode string

// Heartbeat modes. See the package documentation and README for semantics.
const (
	// ModeProbe sends keepalive@openssh.com with want-reply when nothing has
	// been received for one interval; replies are RTT samples; Count missed
	// replies declare the link dead.
	ModeProbe Mode = "probe"
	// ModeNoop sends the same request without want-reply: one small packet
	// per interval and no reply, like PuTTY's and Tera Term's keepalive.
	ModeNoop Mode = "noop"
	// ModeTCP relies on kernel TCP keepalive only.
	ModeTCP Mode = "tcp"
	// ModeOff sends nothing at the SSH level.
	ModeOff Mode = "off"
)

// ParseMode parses a mode name as written in the settings file.
func ParseMode(s string) (Mode, error) {
	switch m := Mode(s); m {
	case ModeProbe, ModeNoop, ModeTCP, ModeOff:
		return m, nil
	}
	return "", fmt.Errorf("unknown heartbeat mode %q (want probe, noop, tcp or off)", s)
}

// Built-in defaults, used when neither sshdash's settings nor ssh_config say
// otherwise.
const (
	DefaultMode     = ModeProbe
	DefaultInterval = 15 * time.Second
	DefaultCount    = 3
)

// Settings are the heartbeat parameters of one connection.
type Settings struct {
	Mode     Mode
	Interval time.Duration // heartbeat interval; > 0 unless Mode is off or tcp
	Count    int           // misses before the link is declared dead; >= 1
}

// Default returns the built-in settings: probe, 15 s, 3.
func Default() Settings {
	return Settings{Mode: DefaultMode, Interval: DefaultInterval, Count: DefaultCount}
}

// Normalized returns s with unusable fields replaced by the built-in
// defaults: an empty or unknown Mode becomes DefaultMode, a non-positive
// Interval DefaultInterval and a Count below 1 DefaultCount. The engine
// always runs on normalized settings.
func (s Settings) Normalized() Settings {
	if _, err := ParseMode(string(s.Mode)); err != nil {
		s.Mode = DefaultMode
	}
	if s.Interval <= 0 {
		s.Interval = DefaultInterval
	}
	if s.Count < 1 {
		s.Count = DefaultCount
	}
	return s
}

// Validate reports the first field of s that cannot be used as it is.
func (s Settings) Validate() error {
	if _, err := ParseMode(string(s.Mode)); err != nil {
		return err
	}
	if s.Interval <= 0 {
		return fmt.Errorf("heartbeat interval %s: must be positive", s.Interval)
	}
	if s.Count < 1 {
		return fmt.Errorf("heartbeat count %d: must be at least 1", s.Count)
	}
	return nil
}

// String renders settings compactly, e.g. "probe 15s×3".
func (s Settings) String() string {
	switch s.Mode {
	case ModeOff, ModeTCP:
		return string(s.Mode)
	}
	return fmt.Sprintf("%s %s×%d", s.Mode, s.Interval, s.Count)
}

// DeadAfter is the longest a link may stay silent before it is declared
// dead: Interval × (Count + 1). It is also the TCP_USER_TIMEOUT backstop.
func (s Settings) DeadAfter() time.Duration {
	if s.Interval <= 0 {
		return 0
	}
	return s.Interval * time.Duration(s.Count+1)
}

// Liveness is what the heartbeat currently knows about the link.
type Liveness int

const (
	// Up: the peer answered recently, or sent something.
	Up Liveness = iota
	// Stale: a heartbeat reply is overdue; the link may be dying.
	Stale
	// Dead: Count heartbeats were missed; the connection has been closed.
	Dead
)

// String returns "up", "stale" or "dead".
func (l Liveness) String() string {
	switch l {
	case Up:
		return "up"
	case Stale:
		return "stale"
	case Dead:
		return "dead"
	}
	return fmt.Sprintf("liveness(%d)", int(l))
}

// Stats are the per-connection heartbeat figures shown by the UI.
type Stats struct {
	Settings    Settings
	Liveness    Liveness
	LastRTT     time.Duration // most recent round trip; 0 before the first
	SmoothedRTT time.Duration // exponentially smoothed (as TCP's SRTT, α = 1/8)
	MinRTT      time.Duration
	MaxRTT      time.Duration
	// FirstRTT is set while LastRTT is the first reply since the monitor
	// started: that round trip may include the tail of the login (a server
	// still busy setting up the session answers late), so it only stands in
	// for SmoothedRTT, MinRTT and MaxRTT until the second reply replaces it
	// in all three instead of being averaged with it.
	FirstRTT    bool
	Misses      int       // consecutive missed beats now
	LastContact time.Time // last time anything was received from the peer
	Sent        uint64    // heartbeats sent
	Answered    uint64    // heartbeats answered
	Bytes       uint64    // bytes of SSH payload sent and received for heartbeats
	// InFlightSince is when the heartbeat now inside SendRequest was sent:
	// a probe awaiting its reply, or a noop still being written. Zero when
	// none is in flight.
	InFlightSince time.Time
	Started       time.Time // when monitoring began (the connection came up)
}

// Uptime is how long the connection has been monitored as of now.
func (s Stats) Uptime(now time.Time) time.Duration {
	if s.Started.IsZero() {
		return 0
	}
	return now.Sub(s.Started)
}
