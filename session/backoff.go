package session

import (
	"math/rand/v2"
	"time"
)

// Backoff is the reconnect policy: exponential backoff with full jitter,
// capped, reset once a link has stayed up for StableAfter.
//
// It spaces full SSH attempts (handshake, auth, shell). The reachability
// probes that notice a restored network are separate and cheap (a TCP SYN
// every ProbeEvery, see staggered in fastdial.go), so a long backoff never delays recovery
// by more than about ProbeEvery once the network is back.
type Backoff struct {
	Base        time.Duration // first delay ceiling (default 500 ms)
	Max         time.Duration // cap (default 30 s)
	StableAfter time.Duration // uptime after which the attempt count resets (default 60 s)
	ProbeEvery  time.Duration // cadence of cheap TCP reachability probes during an outage (default 100 ms)

	// rand returns a value in [0, n); nil means math/rand/v2.
	rand func(n int64) int64
}

// DefaultBackoff returns the built-in reconnect policy.
func DefaultBackoff() Backoff {
	return Backoff{Base: 500 * time.Millisecond, Max: 30 * time.Second, StableAfter: 60 * time.Second, ProbeEvery: 100 * time.Millisecond}
}

// Delay returns how long to wait before full attempt number attempt (1 for
// the first retry): a uniformly random duration in [0, min(Max, Base·2^(attempt-1))].
// The first retry after a drop is immediate (attempt 0 returns 0).
func (b Backoff) Delay(attempt int) time.Duration {
	if attempt <= 0 {
		return 0
	}
	ceil := b.Base
	for i := 1; i < attempt && ceil < b.Max; i++ {
		ceil *= 2
	}
	if ceil > b.Max {
		ceil = b.Max
	}
	if ceil <= 0 {
		return 0
	}
	r := b.rand
	if r == nil {
		r = rand.Int64N
	}
	return time.Duration(r(int64(ceil) + 1))
}

// Reset reports whether a link that stayed up for upFor has been stable long
// enough that the next drop starts the backoff from scratch.
func (b Backoff) Reset(upFor time.Duration) bool { return upFor >= b.StableAfter }
