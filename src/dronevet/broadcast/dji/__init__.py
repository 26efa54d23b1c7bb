"""DJI DroneID: over Wi-Fi (vendor information element) and over OcuSync radio bursts."""
