"""The fleet: an agency's aircraft, what each policy that binds it lets it do with them and
until when, the exceptions it asks for, and what to replace by when at what cost."""
