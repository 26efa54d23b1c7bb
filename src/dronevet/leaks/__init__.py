"""What a drone system's apps send over the network, and to whom (`dronevet leaks`).

A capture is read once (`scan`): link layers to IP (`linklayer`, `ip`), flows (`flows`),
and the metadata that names destinations: DNS (`dns`), TLS ClientHellos and certificates
(`tls`, `ja4`, `certificates`) over reassembled TCP (`streams`), QUIC Initials (`quic`),
cleartext HTTP (`http`) and IoT protocols (`iot`). `attribution` turns flows into
destinations with owners, countries and covered status; `findings` says what it means in
plain words; `compare` sets two captures side by side; `html` draws the report.
"""
