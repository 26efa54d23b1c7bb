"""What drones broadcast: ASTM F3411 Remote ID, DJI Wi-Fi DroneID and DJI OcuSync DroneID."""
