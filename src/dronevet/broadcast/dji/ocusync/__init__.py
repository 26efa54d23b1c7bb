"""DJI OcuSync DroneID receiver chain: from IQ samples to decoded flight-info frames."""
