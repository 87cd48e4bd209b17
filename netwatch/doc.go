// Package netwatch notices when the machine's network may have changed
// under its SSH connections, so that they are checked at once instead of
// after interval × (count+1) of silence.
//
// A Watcher reports a Change in two cases:
//
//   - NetworkChanged: on Linux, an rtnetlink subscription (links, IPv4 and
//     IPv6 addresses and routes) saw a change. Changes come in bursts (an
//     interface going down removes its addresses and routes one message at
//     a time), so a burst is reported once, after it has been quiet for a
//     moment (Options.Quiet) and at most Options.MaxDelay after it began.
//   - Resumed: the machine was suspended. Go's monotonic clock stops
//     during suspend while the wall clock does not, so a wall-clock step
//     well beyond the monotonic one between two checks means the machine
//     slept (a clock set by hand or by NTP reads the same, and costs only
//     a probe). This works on every OS.
//
// On other operating systems only the suspend detector runs. Tests inject
// a Source of fake events, a fake Clock and fake clock Readings.
//
// The package is below the session layer and knows nothing of sessions:
// its owner (cmd/sshdash) hands each Change to session.Manager.ProbeAll.
package netwatch
