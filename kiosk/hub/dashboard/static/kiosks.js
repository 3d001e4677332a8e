// The Kiosks page: the unlock code counts down and greys out when it expires. The code itself
// is rendered by the server into this one answer; nothing here sends or stores it.
"use strict";
(function () {
  const box = document.getElementById("unlock-code");
  if (!box) return;
  const texts = JSON.parse(document.getElementById("kiosk-texts").textContent);
  const ends = Date.now() + Number(box.dataset.seconds) * 1000;
  const left = document.getElementById("code-left");
  function tick() {
    const seconds = Math.max(0, Math.round((ends - Date.now()) / 1000));
    if (seconds === 0) {
      box.classList.add("expired");
      document.getElementById("code").textContent = "––––––";
      document.getElementById("code-expired").hidden = false;
      left.hidden = true;
      return;
    }
    left.textContent = texts.left.replace("{m}", Math.floor(seconds / 60)).replace("{s}", seconds % 60);
    left.hidden = false;
    setTimeout(tick, 1000);
  }
  tick();
  box.scrollIntoView({ block: "start" });
})();
