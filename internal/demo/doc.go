// Package demo runs sshdash's demo: embedded SSH servers on 127.0.0.1
// (random ports, a host key and a client key generated for the run, only
// that client key accepted), a throwaway ssh_config for them, and links
// with faults — added latency, and a link that goes silent for a few
// seconds at regular intervals — so a newcomer sees heartbeats, stale
// links, drops, reconnects and reattaches without any host of their own.
//
// The shells are real (a PTY running /bin/sh on this machine, each in its
// own temporary home directory), and they say so. Close stops everything
// the demo started, including the private tmux server its sessions use.
package demo
