// Print button (progressive enhancement: browsers also print with Ctrl+P).
document.querySelectorAll("[data-print]").forEach((b) => b.addEventListener("click", () => window.print()));
