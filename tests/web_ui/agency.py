"""The agency the web page tests sign in to: a county sheriff's office with a mixed fleet,
bound by the American Security Drone Act and Florida's statute, and a fire department beside
it, on a fresh SQLite store; users of each role, and one of the other organisation."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from dronevet.access import Role
from dronevet.accounts import add_user
from dronevet.fleet.importer import parse_fleet
from dronevet.fleet.model import Binding, Organisation
from dronevet.fleet.register import Register, open_register
from dronevet.knowledge import load_builtin
from dronevet.settings import Settings

SHERIFF = "County Sheriff"
FIRE = "Fire Department"
PASSWORD = "correct horse battery"
REGISTER = """serial,model,purchase_date,price,funding,missions,flight_hours,unit
SO-001,DJI M30T,2022-03-01,12000,federal-grant,search-and-rescue,120,Patrol
SO-002,DJI Mavic 3 Thermal,2023-05-10,5400,local,law-enforcement,60,Patrol
SO-003,Skydio X10D,2024-02-01,21000,state,search-and-rescue,30,SWAT
SO-004,Autel EVO Max 4T,2023-01-15,9000,federal-grant,law-enforcement,80,SWAT
"""
USERS = {
    "pm": (Role.program_manager, SHERIFF),
    "ao": (Role.approving_official, SHERIFF),
    "viewer": (Role.viewer, SHERIFF),
    "admin": (Role.admin, SHERIFF),
    "officer": (Role.security_officer, SHERIFF),
    "firepm": (Role.program_manager, FIRE),
}


@dataclass(frozen=True, slots=True)
class Agency:
    settings: Settings
    register: Register


def build(home: Path) -> Agency:
    """The store under `home`, filled as the module docstring says."""
    settings = Settings.at(home)
    register = open_register(settings)
    kb = load_builtin()
    bindings = (Binding("asda", ()), Binding("florida", ()))
    register.save_organisation(Organisation(SHERIFF, bindings, "us-fl", 10, None),
                               actor="setup", kb=kb)
    register.save_organisation(Organisation(FIRE, bindings, "us-fl", 10, None),
                               actor="setup", kb=kb)
    found = parse_fleet(REGISTER.encode(), "register.csv", kb=kb)
    register.import_aircraft(SHERIFF, found.committable(), actor="setup")
    fire = parse_fleet(b"serial,model\nFD-001,DJI M30T\n", "fire.csv", kb=kb)
    register.import_aircraft(FIRE, fire.committable(), actor="setup")
    for name, (role, org) in USERS.items():
        add_user(register, name, PASSWORD, role, org, actor="setup")
    return Agency(settings, register)
