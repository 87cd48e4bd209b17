// Package labtest holds sshdash's network-lab tests (see internal/netlab):
// heartbeats across a NAT that forgets idle flows, dead-link detection
// under a blackhole, reconnect and reattach after outages, tunnels, and the
// benchmarks beside OpenSSH and autossh. They run as root with
// SSHDASH_INTEGRATION=1.
package labtest
