"""newsbot on Discord: cogs, rendering to embeds, persistent buttons, feedback and limits."""
