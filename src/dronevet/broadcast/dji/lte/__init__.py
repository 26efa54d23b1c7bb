"""LTE channel coding used by DroneID bursts: CRC, Gold scrambler, turbo code, rate matching."""
