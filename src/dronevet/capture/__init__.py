"""Capture readers: pcap/pcapng packets, link layers, and IQ recordings (raw, SigMF)."""
