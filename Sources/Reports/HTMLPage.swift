import ScoringEngine

/// The frame of the page: head, style, body text and the inline script.
struct HTMLPage {
    let language: Language
    var title = ""
    var body = ""

    init(language: Language) { self.language = language }

    /// The whole document: no external resource (no `src` or `href` outside the page).
    func document() -> String {
        var text = "<!DOCTYPE html>\n<html lang=\"\(language == .zh ? "zh-CN" : "en")\">\n<head>\n<meta charset=\"utf-8\">\n"
        text += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        text += "<title>\(title)</title>\n<style>\(Self.style)</style>\n</head>\n<body data-script=\"not-run\">\n"
        text += "<div id=\"script-errors\" hidden></div>\n<div id=\"tip\" hidden></div>\n"
        text += body
        text += "<script>\(Self.script)</script>\n</body>\n</html>\n"
        return text
    }

    static let style = """

        body{font:14px/1.45 system-ui,-apple-system,"Segoe UI","Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:0 auto;max-width:1180px;padding:0 16px 40px;color:#1d2433;background:#fff}
        header{border-bottom:2px solid #1d2433;margin-bottom:8px}h1{font-size:22px;margin:16px 0 4px}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid #d5dae3}
        h3{font-size:15px;margin:16px 0 6px}nav a{color:#2458b3;text-decoration:none}nav{margin-bottom:8px}
        .note{color:#5b6475;font-size:12.5px;margin:4px 0 8px}.cards{display:flex;flex-wrap:wrap;gap:10px}
        .card{border:1px solid #d5dae3;border-radius:6px;padding:8px 12px;min-width:120px}.card b{display:block;font-size:20px}
        table{border-collapse:collapse;font-size:12.5px;margin:6px 0}th,td{padding:3px 7px;border-bottom:1px solid #e6e9ef;text-align:left;vertical-align:middle}
        th{background:#f3f5f8;white-space:nowrap}th[data-sort]{cursor:pointer}th[data-sort]:after{content:" \\2195";color:#98a1b3}
        th.asc:after{content:" \\2191";color:#1d2433}th.desc:after{content:" \\2193";color:#1d2433}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}td.nw{white-space:nowrap}
        .g{display:inline-block;min-width:18px;text-align:center;border-radius:3px;color:#fff;font-weight:600}
        .gA{background:#1b7f3b}.gB{background:#2f6fbf}.gC{background:#c98a00}.gD{background:#8a8f99}.gI{background:#b33a3a}
        .filters{margin:6px 0;display:flex;gap:12px;flex-wrap:wrap;align-items:center}.filters select,.filters input{font:inherit}
        .scroll{max-height:720px;overflow:auto;border:1px solid #e6e9ef}svg{max-width:100%;height:auto}svg text{font-family:inherit}
        #tip{position:fixed;pointer-events:none;background:#1d2433;color:#fff;font-size:12px;padding:4px 7px;border-radius:4px;white-space:pre;z-index:9;max-width:420px}
        .legend span{display:inline-block;margin-right:12px}.sw{display:inline-block;width:11px;height:11px;margin-right:4px;vertical-align:-1px}
        footer{margin-top:32px;color:#5b6475;font-size:12px;border-top:1px solid #d5dae3;padding-top:8px}
        """

    /// Sorting and filtering of tables, and the hover tip. Errors are written into
    /// `#script-errors` (and the body says whether the script ran), so a headless browser's
    /// dumped DOM shows them.
    static let script = """

        (function(){
        var errs=document.getElementById('script-errors');
        function fail(m){errs.hidden=false;var p=document.createElement('p');p.className='script-error';p.textContent=String(m);errs.appendChild(p);}
        window.addEventListener('error',function(e){fail(e.message||e);});
        try{
        function num(c){var v=c.getAttribute('data-v');if(v===null)v=c.textContent;var x=parseFloat(v);return isNaN(x)?null:x;}
        function key(c){var v=c.getAttribute('data-v');return v===null?c.textContent:v;}
        document.querySelectorAll('table[data-sortable]').forEach(function(table){
          var heads=table.querySelectorAll('th');
          heads.forEach(function(th,i){ if(!th.hasAttribute('data-sort'))return;
            th.addEventListener('click',function(){
              var asc=!th.classList.contains('asc');heads.forEach(function(h){h.classList.remove('asc','desc');});
              th.classList.add(asc?'asc':'desc');var numeric=th.getAttribute('data-sort')==='num';
              var body=table.tBodies[0];var rows=Array.prototype.slice.call(body.rows);
              rows.sort(function(a,b){var x=a.cells[i],y=b.cells[i],r;
                if(numeric){var p=num(x),q=num(y);if(p===null&&q===null)r=0;else if(p===null)r=1;else if(q===null)r=-1;else r=asc?p-q:q-p;}
                else{r=asc?key(x).localeCompare(key(y)):key(y).localeCompare(key(x));}
                return r!==0?r:(+a.getAttribute('data-rank'))-(+b.getAttribute('data-rank'));});
              rows.forEach(function(r){body.appendChild(r);});
              table.setAttribute('data-sorted-by',th.getAttribute('data-key')+(asc?' asc':' desc'));});});});
        document.querySelectorAll('[data-filter-for]').forEach(function(box){
          var table=document.getElementById(box.getAttribute('data-filter-for'));var out=box.querySelector('.shown');
          var inputs=box.querySelectorAll('select,input');
          function apply(){var shown=0;Array.prototype.forEach.call(table.tBodies[0].rows,function(r){var ok=true;
            inputs.forEach(function(f){var v=f.value;if(!v)return;var field=f.getAttribute('data-field');
              if(field==='text'){ok=ok&&r.textContent.toLowerCase().indexOf(v.toLowerCase())>=0;}
              else{var a=r.getAttribute('data-'+field)||'';ok=ok&&(field==='segments'?a.split('|').indexOf(v)>=0:a===v);}});
            r.hidden=!ok;if(ok)shown++;});out.textContent=String(shown);table.setAttribute('data-shown',String(shown));}
          inputs.forEach(function(f){f.addEventListener('input',apply);f.addEventListener('change',apply);});apply();});
        var tip=document.getElementById('tip');
        document.addEventListener('mouseover',function(e){var t=e.target.closest?e.target.closest('[data-tip]'):null;
          if(!t){tip.hidden=true;return;}tip.textContent=t.getAttribute('data-tip');tip.hidden=false;});
        document.addEventListener('mousemove',function(e){if(!tip.hidden){tip.style.left=(e.clientX+12)+'px';tip.style.top=(e.clientY+12)+'px';}});
        document.body.setAttribute('data-script','ok');
        }catch(e){fail(e&&e.stack?e.stack:e);document.body.setAttribute('data-script','failed');}
        })();
        """
}
