"""The Spanish FAQ and new features of the demo: the English ones, question by question, with the store's
labels as the Spanish catalogue translates them ("Agregar al carrito", "MI CUENTA", "Mis descargas")."""

from __future__ import annotations

from datetime import date

# (group, [(question, answer)]): "{store}" becomes settings.STORE_NAME.
FAQ: list[tuple[str, list[tuple[str, str]]]] = [
    (
        "Primeros pasos",
        [
            (
                "¿Dónde puedo encontrar ayuda?",
                "Encuentre distintas opciones de ayuda o haga sus consultas en una sola sección de ayuda: haga clic en "
                "\"ayuda\", en la esquina superior derecha de cualquier página. Allí encontrará:\n\n"
                "1. El teléfono de soporte\n"
                "2. Soporte por chat\n"
                "3. La lista de preguntas frecuentes\n"
                "4. Preguntas o inquietudes, sea o no cliente de {store}\n"
                "5. Olvidó su contraseña\n"
                "6. Hágase cliente de {store}\n"
                "7. ¿Ya es cliente de {store} pero aún no tiene acceso a la WebStore?\n"
                "8. Novedades\n"
                "9. Ubicaciones y centros de servicio\n\n"
                "Ponemos a su disposición los medios para atender todas sus necesidades.",
            ),
            (
                "¿Cómo me hago cliente de {store}?",
                "Para registrarse como cliente de {store}, siga estos sencillos pasos:\n\n"
                "1. Abra {store} en su navegador.\n"
                "2. En la parte superior de la pantalla, seleccione su país y elija su idioma.\n"
                "3. Haga clic en el botón \"Hágase cliente\" (en \"ayuda\", en la esquina superior derecha de la pantalla).\n"
                "4. Complete el formulario con sus datos y la información solicitada para registrarse como cliente.\n\n"
                "Si su país lo requiere, adjunte los documentos solicitados. Cada archivo no debe superar 1 MB; los "
                "tipos de documento permitidos son PDF, JPG, Word o PNG.\n\n"
                "Una vez completado el registro, uno de nuestros representantes se comunicará con usted para validar su "
                "información y terminar el proceso de registro.",
            ),
            (
                "¿Qué documentos necesito para registrarme como cliente en mi país?",
                "A continuación, la información por país:\n\n"
                "• Miami: no se solicitan documentos al registrarse desde nuestra WebStore.\n"
                "• Chile: fotocopia de la cédula de identidad; Rol Único Tributario (RUT).\n"
                "• Colombia: Certificado de la Cámara de Comercio; Registro Único Tributario (RUT).\n"
                "• Costa Rica: fotocopia de la cédula de identidad y una factura de venta.\n"
                "• Ecuador: no se solicitan documentos al registrarse desde nuestra WebStore.\n"
                "• El Salvador: no se solicitan documentos al registrarse desde nuestra WebStore.\n"
                "• Guatemala: Documento Personal de Identificación (DPI); Número de Identificación Tributaria (NIT).\n"
                "• Jamaica: no se solicitan documentos al registrarse desde nuestra WebStore.\n"
                "• México: Constancia de situación fiscal; identificación oficial del representante legal (INE, cédula, "
                "pasaporte).\n"
                "• Panamá: no se solicitan documentos al registrarse desde nuestra WebStore.\n"
                "• Perú: no se solicitan documentos al registrarse desde nuestra WebStore.\n"
                "• Uruguay: no se solicitan documentos al registrarse desde nuestra WebStore.\n\n"
                "Cada archivo no debe superar 1 MB y debe ser un documento PDF, JPG, Word o PNG.",
            ),
            (
                "Ya soy cliente: ¿cómo obtengo acceso a la WebStore?",
                "Si es cliente y desea ingresar a nuestra WebStore para conocer nuestra oferta de productos:\n\n"
                "1. Abra {store} en su navegador.\n"
                "2. En la parte superior de la pantalla, seleccione su país y elija el idioma que prefiera.\n"
                "3. Haga clic en \"ayuda\", en la esquina superior derecha de la pantalla.\n"
                "4. Haga clic en el botón \"Solicitar acceso\", en \"¿Ya es cliente pero aún no tiene acceso a la WebStore?\"\n"
                "5. Ingrese la información solicitada: país, código de cliente asignado, el correo electrónico que "
                "indicó al registrarse y su nombre.\n"
                "6. Revise su correo electrónico: recibirá un mensaje con la solicitud para la cuenta de cliente existente.\n\n"
                "Solo necesita su código de cliente de {store} para hacerlo.",
            ),
            (
                "¿Cómo recupero mi contraseña?",
                "1. Haga clic en \"ayuda\", en la esquina superior derecha de la pantalla.\n"
                "2. En esa página, ubique la opción \"Olvidó su contraseña\".\n"
                "3. En el formulario que aparece, ingrese su usuario y el correo electrónico que indicó al registrarse, "
                "y haga clic en \"enviar\".\n"
                "4. Revise su bandeja de entrada: recibirá un enlace para establecer una nueva contraseña.\n\n"
                "Por su seguridad, nunca enviamos contraseñas por correo electrónico; el enlace funciona una sola vez y "
                "por tiempo limitado.",
            ),
            (
                "¿Cómo cambio mi contraseña?",
                "Para cambiar su contraseña, siga estos sencillos pasos:\n\n"
                "1. Inicie sesión en su cuenta con el usuario y la contraseña asignados.\n"
                "2. Abra \"MI CUENTA\", en la esquina superior derecha.\n"
                "3. Haga clic en \"Cambiar contraseña\".\n"
                "4. Ingrese su contraseña actual y la nueva contraseña.\n"
                "5. Haga clic en \"Actualizar\".\n\n"
                "Recuerde que su contraseña debe tener:\n"
                "• Al menos una letra\n"
                "• Al menos una letra mayúscula\n"
                "• Al menos un número\n"
                "• Entre 8 y 25 caracteres\n"
                "• Por la seguridad de su cuenta, no debe ser el nombre del titular de la cuenta ni el de la empresa\n"
                "Ejemplo de contraseña: Computador*12",
            ),
        ],
    ),
    (
        "Pedidos y cotizaciones",
        [
            (
                "¿Cómo compro productos?",
                "1. Inicie sesión en su cuenta con el usuario y la contraseña asignados.\n"
                "2. Elija el producto que desee. Haga clic en \"Agregar al carrito\".\n"
                "3. La tienda le ofrece \"Ir al carrito\" o \"Seguir comprando\":\n"
                "- Seleccione \"Seguir comprando\" para volver a la pantalla que estaba consultando.\n"
                "- Haga clic en \"Ir al carrito\" para ir directamente a los productos que seleccionó. Allí puede cambiar "
                "la cantidad de unidades de un producto y hacer clic en \"actualizar\", o hacer clic en \"eliminar\" para "
                "quitar un producto de su lista.\n"
                "Otra forma rápida de comprar productos que ya conoce es escribir el SKU en el campo \"Agregar artículo "
                "al carrito\" y hacer clic en \"Agregar al carrito\". También puede agregar varios productos a la vez con "
                "\"Agregar varios productos\".\n"
                "4. Revise su lista de compras y haga clic en \"Generar pedido\".\n"
                "5. Su pedido aparece con un breve formulario para seleccionar el tipo de envío, escribir sus "
                "observaciones y elegir su forma de pago.\n"
                "6. Haga clic en \"Finalizar pedido\".",
            ),
            (
                "¿Dónde puedo ver el estado de mis pedidos?",
                "Desde esta opción verá todos los pedidos que ha realizado en nuestra tienda en línea:\n\n"
                "1. Inicie sesión con su usuario y contraseña.\n"
                "2. Abra \"MI CUENTA\".\n"
                "3. Vaya a \"Transacciones\".\n"
                "4. Cada pedido muestra su estado; haga clic en el número de un pedido para ver su detalle.",
            ),
            (
                "¿Cómo obtengo una lista de productos con precios?",
                "La forma más sencilla de obtener una lista de productos con precios:\n\n"
                "1. Inicie sesión en su cuenta con su usuario y contraseña.\n"
                "2. Busque la lista de productos que desea, por categoría o por marca.\n"
                "3. En la parte superior de la lista de productos, ubique \"Lista de precios\". Allí puede descargar la "
                "lista como archivo Excel (XLSX) o CSV, según prefiera.\n"
                "4. El archivo incluye la categoría, subcategoría, nombre, marca, precio, disponibilidad, número de "
                "parte, SKU y atributos de cada producto.",
            ),
            (
                "¿Cómo hago una cotización para mi cliente a partir de un producto?",
                "1. Inicie sesión en su cuenta con el usuario y la contraseña asignados.\n"
                "2. Navegue hasta el producto que desee; en su detalle encontrará \"Agregar a la cotización\". Haga clic allí.\n"
                "3. Una confirmación le indica que el producto se agregó a la cotización. Puede seguir agregando "
                "productos o hacer clic en \"Ir a la cotización\".\n"
                "4. La cotización muestra el número con el que quedó guardada. Complete la información solicitada y "
                "agregue la utilidad que desea obtener en cada línea, como porcentaje o como monto exacto. Allí también "
                "puede seleccionar o editar la información de su cliente, agregar un cliente y agregar más productos.\n"
                "5. Haga clic en \"guardar y descargar\". Una confirmación muestra el número con el que se guardó su "
                "cotización; vuelva a hacer clic en \"guardar y descargar\".\n"
                "6. Se descarga en su computador un archivo PDF con la cotización, listo para entregar a su cliente. "
                "Muestra sus precios para su cliente, nunca nuestro costo para usted.",
            ),
            (
                "¿Cómo convierto mi carrito de compras en una cotización?",
                "1. Agregue los productos que desee y la cantidad de unidades con \"Agregar al carrito\".\n"
                "2. Haga clic en \"Ir al carrito\".\n"
                "3. Revise su lista de compras y haga clic en \"Pasar a cotización\".\n"
                "4. Un aviso le indica que el pedido se convertirá en una cotización y que el carrito de compras se "
                "vaciará. Haga clic en \"Aceptar\".\n"
                "5. La confirmación de la cotización muestra el número con el que se guardó. Abra la cotización "
                "haciendo clic en su número.\n"
                "6. En la parte inferior, haga clic en \"Activar cotización\". La tienda le pregunta: \"El contenido de "
                "su cotización actual será reemplazado. ¿Realmente desea activar esta cotización?\" Haga clic en "
                "\"Aceptar\".\n"
                "7. Complete el formulario con la información solicitada y agregue la utilidad que desea obtener, como "
                "porcentaje o como monto exacto. También puede seleccionar o editar la información de su cliente, "
                "agregar un cliente y agregar más productos.\n"
                "8. Haga clic en \"guardar y descargar\"; en el mensaje de confirmación, vuelva a hacer clic en "
                "\"guardar y descargar\".\n"
                "9. Se descarga en su computador un archivo PDF con la cotización, listo para entregar a su cliente.",
            ),
        ],
    ),
    (
        "Su cuenta y sus contactos",
        [
            (
                "¿Cómo creo un usuario en mi cuenta?",
                "Solo un administrador de la cuenta puede crear usuarios nuevos:\n\n"
                "1. Inicie sesión con su usuario y contraseña.\n"
                "2. Abra \"MI CUENTA\".\n"
                "3. Vaya a \"lista de contactos\".\n"
                "4. Haga clic en \"NUEVO CONTACTO\".\n"
                "5. Ingrese la información solicitada y los permisos que desea otorgar, y haga clic en \"GUARDAR\".\n\n"
                "Luego, su nuevo contacto recibe los correos electrónicos para confirmar y activar su usuario.",
            ),
            (
                "¿Cómo activa su usuario un contacto nuevo?",
                "Después de que el administrador guarda un contacto nuevo:\n\n"
                "1. El contacto nuevo recibe un correo electrónico y hace clic en \"confirmar\"; la tienda muestra el "
                "aviso de confirmación. Aún falta un paso.\n"
                "2. El contacto nuevo recibe un segundo correo electrónico y hace clic en \"ACTIVAR USUARIO\".\n"
                "3. Ingresa su correo electrónico para recibir un código.\n"
                "4. Ingresa el código recibido por correo electrónico y hace clic en \"VALIDAR CÓDIGO\".\n"
                "5. Por último, establece una nueva contraseña para ingresar a la WebStore.\n\n"
                "Y ya está listo para usar la tienda.",
            ),
            (
                "¿Cómo actualizo el correo electrónico de mis contactos?",
                "Si usted es administrador de la cuenta:\n\n"
                "1. Inicie sesión con su correo electrónico y contraseña.\n"
                "2. Abra \"MI CUENTA\" y luego \"lista de contactos\": verá los contactos registrados en la cuenta. "
                "Allí puede crear contactos nuevos, editar su información y desactivarlos.\n"
                "3. Use la opción de editar para modificar el correo electrónico de su contacto.\n"
                "4. Después de modificar el correo electrónico, haga clic en \"Validar correo\" para confirmar el "
                "proceso de su contacto.\n\n"
                "Recuerde que su contacto debe validar el correo electrónico para terminar el proceso. También puede "
                "editar el nombre, el cargo y el teléfono de su contacto, y los accesos que se le permiten a cada contacto.",
            ),
            (
                "¿Cómo desactivo un contacto?",
                "1. Abra \"MI CUENTA\" y luego \"lista de contactos\".\n"
                "2. Seleccione el contacto y haga clic en la opción de desactivar.\n"
                "3. La tienda le pide confirmar que desea desactivar el contacto.\n"
                "4. La tienda le informa que el cambio quedó registrado.",
            ),
            (
                "¿Cómo actualizo mi información de contacto?",
                "1. Inicie sesión con su usuario y contraseña.\n"
                "2. Abra \"MI CUENTA\".\n"
                "3. Vaya a \"Información de contacto\".\n"
                "4. Actualice los datos que desea cambiar.\n"
                "5. Para terminar, haga clic en \"guardar\".\n\n"
                "* Los datos bloqueados solo los puede actualizar su ejecutivo de ventas.\n"
                "* También puede actualizar sus datos por teléfono con el ejecutivo a cargo de su cuenta.",
            ),
        ],
    ),
    (
        "RMA y descargas",
        [
            (
                "¿Cómo solicito un RMA?",
                "1. Inicie sesión con su usuario y contraseña.\n"
                "2. Abra \"MI CUENTA\" y luego \"RMA\": allí encontrará \"Solicitud de RMA\", \"Estado de RMA\" y los "
                "centros de servicio disponibles para usted.\n"
                "3. Seleccione \"Solicitud de RMA\".\n"
                "4. Complete el formulario con el número de pedido y sus datos de contacto.\n"
                "5. De ese pedido, seleccione el producto objeto de su reclamo e indique el tipo de reclamo, el detalle "
                "del problema y el número de serie del producto.\n"
                "6. Por último, haga clic en \"enviar\".\n\n"
                "En los días siguientes puede dar seguimiento a su solicitud en \"Estado de RMA\".",
            ),
            (
                "¿Dónde encuentro las licencias que compré?",
                "1. Inicie sesión en la WebStore con su usuario y contraseña.\n"
                "2. Abra \"MI CUENTA\" y haga clic en \"Mis descargas\".\n"
                "3. Haga clic en \"licencias compradas\".",
            ),
            (
                "¿Dónde encuentro mis claves distribuidas?",
                "1. Inicie sesión con su usuario y contraseña.\n"
                "2. Abra \"MI CUENTA\" y haga clic en \"Mis descargas\".\n"
                "3. Haga clic en \"Claves distribuidas\", en el lado izquierdo de la pantalla.",
            ),
        ],
    ),
    (
        "Eventos",
        [
            (
                "¿Cómo me registro en un evento?",
                "Para registrarse en los eventos de su interés:\n\n"
                "1. Haga clic en \"ayuda\", en la esquina superior derecha, y luego en \"Eventos\".\n"
                "2. Seleccione su país en la parte superior de la página.\n"
                "3. Busque el evento que desee en la lista de eventos disponibles.\n"
                "4. Si está registrado en nuestra WebStore, elija la opción \"Contacto de un cliente de {store}\": "
                "inicie sesión y sus datos se completarán automáticamente.\n"
                "5. De lo contrario, elija la opción \"No es contacto de un cliente de {store}\" y complete el "
                "formulario con sus datos.\n\n"
                "Recibirá una confirmación por correo electrónico.",
            ),
        ],
    ),
    (
        "Licenciamiento por volumen (VL)",
        [
            (
                "¿En qué consiste el licenciamiento por volumen mediante pedidos en la WebStore?",
                "Los distribuidores de {store} pueden pedir licenciamiento por volumen a través de la WebStore.",
            ),
            (
                "¿En qué países está disponible?",
                "Está disponible en todos los países donde {store} ofrece licenciamiento por volumen. Al realizar su "
                "pedido, los distribuidores deben asegurarse de usar la WebStore de su país (elegido en la parte "
                "superior de la página).",
            ),
            (
                "¿Necesito una cuenta en la WebStore para pedir VL?",
                "Sí. Como cliente de {store}, necesita un usuario de la WebStore, que le permite comprar en línea y "
                "consultar precios y productos.",
            ),
            (
                "¿Cómo solicito acceso a la WebStore?",
                "Los clientes de {store} que aún no tienen acceso encontrarán \"Solicitar acceso\" en la sección de "
                "ayuda, en \"¿Ya es cliente pero aún no tiene acceso a la WebStore?\". Solo necesita su código de "
                "cliente de {store}.",
            ),
            (
                "¿Quién puede comprar bajo este modelo?",
                "Todos los distribuidores con cuentas activas en {store} pueden comprar licenciamiento por volumen en línea.",
            ),
            (
                "¿Qué productos califican?",
                "Todos los productos de licenciamiento por volumen de los programas Open Business, Open Value, Open Value "
                "Subscription y School.",
            ),
            (
                "¿Qué ventajas tiene pedir VL en línea?",
                "A través de la WebStore puede gestionar sus pedidos las 24 horas, los 7 días de la semana. Además, le "
                "ofrece un repositorio de certificados detallados y facturas procesadas para sus clientes.",
            ),
            (
                "¿Qué debo hacer si tengo un precio especial para VL?",
                "Puede ingresar un precio distinto del que le indica la herramienta: escriba el precio que desea al crear "
                "el pedido. Debido al cambio de precio, el pedido queda en espera hasta que su ejecutivo de ventas lo apruebe.",
            ),
            (
                "¿Cómo pago mi VL?",
                "Los pedidos de licenciamiento por volumen realizados a través de la WebStore siguen el mismo proceso de "
                "crédito que el resto de sus productos.",
            ),
            (
                "¿Puedo usar mi crédito actual con {store} para la compra en línea?",
                "Sí. Las compras en línea usan la misma línea de crédito y siguen las mismas condiciones que el "
                "distribuidor tiene con {store}.",
            ),
            (
                "¿Qué hago si quiero modificar un pedido que ya envié?",
                "Si el fabricante aún no ha procesado el pedido, se puede cancelar. Una vez que el fabricante lo ha "
                "procesado, debe pasar por el proceso regular de RMA. Comuníquese con su ejecutivo de ventas en cuanto "
                "desee cancelar un pedido.",
            ),
            (
                "¿Cuáles son las políticas de devolución de los pedidos de licenciamiento por volumen?",
                "Un pedido de licenciamiento por volumen solo se puede cancelar dentro de los primeros 60 días después "
                "de procesado, mediante un pedido de reemplazo de igual o mayor valor. No se acepta RMA de Windows "
                "Legal ni de productos en la nube que ya se hayan activado.",
            ),
            (
                "¿En cuánto tiempo recibiré mi certificado electrónico?",
                "24 horas después de que el estado de su pedido cambie a \"recibido\", el eCertificado está disponible "
                "en su cuenta de la WebStore.",
            ),
            (
                "¿Puedo consultar el historial de mis pedidos procesados?",
                "Sí. Los distribuidores que trabajan a través de la WebStore tienen un repositorio con todo el detalle de "
                "sus pedidos de licenciamiento por volumen, eCertificados y facturas.",
            ),
            (
                "¿Por cuánto tiempo se conservan mis pedidos procesados?",
                "Los datos del repositorio de su cuenta de la WebStore se conservan sin límite de tiempo.",
            ),
            (
                "¿Cómo puedo acceder a las facturas?",
                "Encontrará una copia de todas sus facturas en su cuenta de la WebStore: abra \"MI CUENTA\" y luego "
                "\"Facturas\".",
            ),
        ],
    ),
]

NEW_FEATURES: list[tuple[date, str, str]] = [
    (
        date(2025, 3, 3),
        "Lista de precios en Excel o CSV",
        "Cada listado de productos, por categoría, por marca o a partir de una búsqueda, ofrece la descarga "
        "\"Lista de precios\" con sus precios, disponibilidad, números de parte, SKU y atributos.\nLas listas "
        "grandes se preparan en segundo plano y lo esperan en \"Mis archivos recientes\".",
    ),
    (
        date(2025, 5, 12),
        "Cotizaciones para sus clientes",
        "Agregue productos a una cotización o pase todo su carrito a una cotización, defina su utilidad por línea "
        "como porcentaje o como monto exacto y descargue un PDF con sus precios, listo para su cliente.",
    ),
    (
        date(2025, 7, 21),
        "Licenciamiento por volumen en línea",
        "Pida licencias Open Business, Open Value, Open Value Subscription y School a través de la WebStore, dé "
        "seguimiento a los precios especiales hasta que su ejecutivo de ventas los apruebe y encuentre sus "
        "eCertificados en \"Mis descargas\".",
    ),
    (
        date(2025, 9, 8),
        "Lista de contactos para los administradores de la cuenta",
        "Los administradores crean contactos, otorgan a cada uno sus permisos, validan sus correos electrónicos y "
        "los desactivan, todo desde \"MI CUENTA\", \"lista de contactos\".",
    ),
    (
        date(2025, 11, 17),
        "Un nuevo centro de ayuda",
        "Una sola sección de ayuda con el teléfono de soporte, soporte por chat, preguntas frecuentes con "
        "búsqueda, \"Preguntas o inquietudes\", ubicaciones y centros de servicio, y los eventos de su país.",
    ),
]
